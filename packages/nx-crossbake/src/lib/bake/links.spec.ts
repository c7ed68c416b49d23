import { linkSiblingImages, type ServiceImages } from './links';

const ALL = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const service = (project: string, refs: string[] = [], platforms = ALL): ServiceImages => ({
  project,
  tags: [`127.0.0.1:5000/acme/${project}:latest`],
  platforms,
  dockerfileRefs: refs,
});

describe('linkSiblingImages', () => {
  it('links a dependent to the sibling that builds its base, by the reference its Dockerfile writes', () => {
    const { contexts, problems } = linkSiblingImages([
      service('base', ['127.0.0.1:5000/crossbake/busybox:1']),
      service('api', ['127.0.0.1:5000/acme/base:latest']),
      service('worker', ['127.0.0.1:5000/crossbake/busybox:1']),
    ]);
    // keyed as BuildKit looks FROM images up: familiar name, no ':latest'
    expect([...contexts]).toEqual([['api', { '127.0.0.1:5000/acme/base': 'base' }]]);
    expect(problems.size).toBe(0);
  });

  it('links every spelling of the sibling image (another tag, a digest, COPY --from)', () => {
    const { contexts } = linkSiblingImages([
      service('base'),
      service('api', ['127.0.0.1:5000/acme/base:1.2', '127.0.0.1:5000/acme/base@sha256:' + 'a'.repeat(64), 'golang:1.22']),
    ]);
    expect(contexts.get('api')).toEqual({
      '127.0.0.1:5000/acme/base:1.2': 'base',
      ['127.0.0.1:5000/acme/base@sha256:' + 'a'.repeat(64)]: 'base',
    });
  });

  it('links chains, each to its own base', () => {
    const { contexts } = linkSiblingImages([
      service('api', ['127.0.0.1:5000/acme/runtime:latest']),
      service('runtime', ['127.0.0.1:5000/acme/base:latest']),
      service('base'),
    ]);
    expect(Object.fromEntries(contexts)).toEqual({
      api: { '127.0.0.1:5000/acme/runtime': 'runtime' },
      runtime: { '127.0.0.1:5000/acme/base': 'base' },
    });
  });

  it('does not link a base that is not in this bake (its image is pulled as published)', () => {
    expect(linkSiblingImages([service('api', ['127.0.0.1:5000/acme/base:latest'])]).contexts.size).toBe(0);
  });

  it('refuses a link whose base does not cover the dependent\'s platforms', () => {
    const { contexts, problems } = linkSiblingImages([
      service('base', [], ['linux/amd64']),
      service('api', ['127.0.0.1:5000/acme/base:latest'], ['linux/amd64', 'linux/arm64']),
    ]);
    expect(contexts.size).toBe(0);
    expect(problems.get('api')).toBe(
      "'api' is built FROM 'base' (127.0.0.1:5000/acme/base:latest) in the same bake, but 'base' is not built for linux/arm64: " +
        "add it to 'base' platforms, or build 'api' for fewer",
    );
  });

  it('names a cycle of images built from each other', () => {
    expect(() =>
      linkSiblingImages([service('a', ['127.0.0.1:5000/acme/b:latest']), service('b', ['127.0.0.1:5000/acme/a:latest'])]),
    ).toThrow(/a → b → a|b → a → b/);
  });
});
