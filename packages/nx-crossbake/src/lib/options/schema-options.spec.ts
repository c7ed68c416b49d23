import { CrossbakeError } from '../core/errors';
import setupSchema from './schemas/setup.json';
import multiarchSchema from './schemas/multiarch.json';
import { documentedOptions, optionReader, readOption, unknownOptionProblems } from './schema-options';

describe('optionReader', () => {
  it("applies the schema's defaults to unset options, each a fresh copy", () => {
    const problems: string[] = [];
    const read = optionReader(multiarchSchema, {}, problems);
    const platforms = read.list('platforms', 'comma');
    platforms.push('changed');
    expect([
      read.list('platforms', 'comma'),
      read.boolean('oci-labels'),
      read.boolean('push'),
      read.text('builder'),
      read.text('target'),
    ]).toEqual([['linux/amd64', 'linux/arm64'], true, false, 'nx-crossbake', undefined]);
    expect(problems).toEqual([]);
  });

  it('reads null as unset', () => {
    expect(optionReader(multiarchSchema, { platforms: null, push: null }, []).list('platforms', 'comma')).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
  });

  it('reports a value of the wrong type, reads the default in its place, and remembers which option it was', () => {
    const problems: string[] = [];
    const read = optionReader(multiarchSchema, { push: 'yes', tags: 'r/api:1', platforms: { linux: 'amd64' } }, problems);
    expect([read.boolean('push'), read.list('tags', 'comma'), read.list('platforms', 'comma')]).toEqual([
      false,
      ['r/api:1'],
      ['linux/amd64', 'linux/arm64'],
    ]);
    expect(problems).toEqual([
      "'push' is 'yes': expected true or false",
      expect.stringContaining(`'platforms' is {"linux":"amd64"}: expected a list of strings`),
    ]);
    expect([read.wellTyped('tags'), read.wellTyped('tags', 'push'), read.wellTyped('platforms')]).toEqual([true, false, false]);
  });

  it('reads key-value options from a map and choices from their list', () => {
    const problems: string[] = [];
    const read = optionReader(multiarchSchema, { 'build-args': { A: 'b', N: 1 }, cache: 'gha' }, problems);
    expect([read.keyValues('build-args'), read.choice('cache', ['auto', 'gha'])]).toEqual([['A=b', 'N=1'], 'gha']);
    expect(problems).toEqual([]);
  });
});

describe('readOption reads by the type each option documents in x-expected', () => {
  it.each<[object, string, unknown]>([
    [{}, 'install-qemu', true],
    [{ 'install-qemu': 'false' }, 'install-qemu', false],
    [{ platforms: 'linux/amd64,linux/arm64' }, 'platforms', ['linux/amd64', 'linux/arm64']],
    [{ 'driver-opts': 'image=moby/buildkit:v0.26.2' }, 'driver-opts', ['image=moby/buildkit:v0.26.2']],
    [{ driver: 'remote' }, 'driver', 'remote'],
    [{ 'max-parallelism': '4' }, 'max-parallelism', 4],
    [{ nodes: [{ name: 'arm' }] }, 'nodes', [{ name: 'arm' }]],
    [{}, 'qemu-image', 'tonistiigi/binfmt:qemu-v10.2.3@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0'],
  ])('%j: %s is %j', (raw, name, value) => {
    expect(readOption(setupSchema, raw, name)).toEqual(value);
  });

  it.each<[object, string, string]>([
    [{ 'install-qemu': 'yes' }, 'install-qemu', "'install-qemu' is 'yes': expected true or false"],
    [{ driver: 'podman' }, 'driver', "driver 'podman' is not one of docker-container, docker, remote, kubernetes"],
    [{ platforms: { a: 1 } }, 'platforms', '\'platforms\' is {"a":1}: expected a list of strings'],
    [{ nodes: 'arm' }, 'nodes', "'nodes' is 'arm': expected a list of objects"],
    [{ 'max-parallelism': 'many' }, 'max-parallelism', "'max-parallelism' is 'many': expected a whole number"],
  ])('%j: throws for %s, or pushes onto the problems given', (raw, name, message) => {
    expect(() => readOption(setupSchema, raw, name)).toThrow(CrossbakeError);
    expect(() => readOption(setupSchema, raw, name)).toThrow(message);
    const problems: string[] = [];
    readOption(setupSchema, raw, name, problems);
    expect(problems).toEqual([expect.stringContaining(message)]);
  });

  it('refuses to read an option whose schema documents no type', () => {
    expect(() => readOption({ properties: { loose: { description: 'x' } } }, { loose: 1 }, 'loose')).toThrow(
      "option 'loose' documents no type",
    );
  });
});

describe('documentedOptions', () => {
  it("gives each option's documented type", () => {
    const documented = documentedOptions(multiarchSchema);
    expect([documented.platforms, documented.push, documented.cache.enum]).toEqual([
      { type: 'array', items: { type: 'string' } },
      { type: 'boolean' },
      ['auto', 'registry', 'local', 'gha', 'none'],
    ]);
    expect(Object.keys(documented)).toEqual(Object.keys(multiarchSchema.properties));
  });
});

describe('unknownOptionProblems', () => {
  it.each<[object, string[]]>([
    [{ push: true }, []],
    [{ noCache: true }, ["unknown option 'noCache': did you mean 'no-cache'? (valid options: file, context"]],
    [{ dockerfile: 'x' }, ["unknown option 'dockerfile': did you mean 'file'?"]],
    [{ colour: 'red' }, ["unknown option 'colour' (valid options: file, context"]],
    [{ _: ['extra'] }, ['unexpected argument extra: options are written --name=value']],
    [{ _: ['a', 'b'] }, ['unexpected arguments a b: options are written --name=value']],
  ])('%j', (raw, problems) => {
    expect(unknownOptionProblems(multiarchSchema, raw, { dockerfile: 'file' })).toEqual(problems.map((p) => expect.stringContaining(p)));
  });
});
