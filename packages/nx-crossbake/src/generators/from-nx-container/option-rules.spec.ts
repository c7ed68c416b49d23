import { OPTION_RULES, type Rule } from './option-rules';

const convert = (name: string, value: unknown) => {
  const rule = OPTION_RULES[name] as Extract<Rule, { kind: 'convert' }>;
  expect(rule.kind).toBe('convert');
  return rule.convert(value, name);
};

describe('OPTION_RULES', () => {
  it.each([
    'file',
    'context',
    'platforms',
    'tags',
    'push',
    'load',
    'build-args',
    'target',
    'labels',
    'pull',
    'no-cache',
    'outputs',
    'secret-files',
    'ssh',
    'build-contexts',
  ])('copies %s, which means the same in both', (name) => expect(OPTION_RULES[name]).toEqual({ kind: 'copy' }));

  it.each([
    'quiet',
    'github-token',
    'add-hosts',
    'allow',
    'cgroup-parent',
    'network',
    'shm-size',
    'ulimit',
    'registries',
    'no-cache-filters',
  ])('reports %s as unsupported, with a reason', (name) =>
    expect(OPTION_RULES[name]).toEqual({ kind: 'unsupported', reason: expect.any(String) }),
  );

  it.each(['cache-from', 'cache-to'])('makes a single %s string a list, and keeps a list', (name) => {
    expect(convert(name, 'user/app:cache')).toEqual({ set: { [name]: ['user/app:cache'] }, notes: [`${name} written as a list`] });
    expect(convert(name, ['type=gha'])).toEqual({ set: { [name]: ['type=gha'] } });
  });

  it('turns secrets read from the environment into env references, and refuses literal values', () => {
    const result = convert('secrets', ['NPM_TOKEN=${NPM_TOKEN}', 'GH=$GITHUB_TOKEN', 'id=key,src=secrets/key.pem', 'PASSWORD=hunter2']);
    expect(result.set).toEqual({ secrets: ['id=NPM_TOKEN,env=NPM_TOKEN', 'id=GH,env=GITHUB_TOKEN', 'id=key,src=secrets/key.pem'] });
    expect(result.unsupported).toEqual([expect.stringMatching(/^secret 'PASSWORD' holds its value in project\.json/)]);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it.each([
    ['mode=max', { set: { provenance: 'mode=max' } }],
    [false, { set: { provenance: 'false' } }],
    ['builder-id=x', { unsupported: [expect.stringMatching(/not one of/)] }],
  ])('converts provenance %j', (value, result) => expect(convert('provenance', value)).toEqual(result));

  it.each([
    [true, { set: { sbom: true } }],
    ['false', { set: { sbom: false } }],
    ['generator=image', { unsupported: [expect.stringMatching(/true or false/)] }],
  ])('converts sbom %j', (value, result) => expect(convert('sbom', value)).toEqual(result));

  it('keeps a named builder and leaves it unmanaged, as nx-container did', () => {
    expect(convert('builder', 'ci-builder')).toEqual({
      set: { builder: 'ci-builder', setup: false },
      notes: [expect.stringMatching(/setup: false/)],
    });
  });

  it('drops the docker engine with a note and reports the others', () => {
    expect(convert('engine', 'docker')).toEqual({ notes: [expect.stringMatching(/engine 'docker' dropped/)] });
    expect(convert('engine', 'kaniko')).toEqual({ unsupported: [expect.stringMatching(/docker buildx only/)] });
  });
});
