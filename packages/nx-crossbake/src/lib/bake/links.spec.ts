import { linkSiblingImages, rejectDependents, type ServiceImages } from './links';

const ALL = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const R = '127.0.0.1:5000/acme';
const DIGEST = 'sha256:' + 'a'.repeat(64);
const service = (
  project: string,
  refs: string[] = [],
  platforms = ALL,
  tags = [`${R}/${project}:latest`],
  target = 'docker-multiarch',
): ServiceImages => ({
  id: `${project}:${target}`,
  tags,
  platforms,
  dockerfileRefs: refs,
});

describe('linkSiblingImages', () => {
  it('links a dependent task to the sibling task that builds its base, keyed by the reference as BuildKit looks it up', () => {
    const { contexts, problems, notes } = linkSiblingImages([
      service('base', ['127.0.0.1:5000/crossbake/busybox:1']),
      service('api', [`${R}/base:latest`]),
      service('worker', ['127.0.0.1:5000/crossbake/busybox:1']),
    ]);
    // familiar name, no ':latest'; the value is the sibling's task id
    expect([...contexts]).toEqual([['api:docker-multiarch', { [`${R}/base`]: 'base:docker-multiarch' }]]);
    expect(problems.size).toBe(0);
    expect(notes).toEqual([]);
  });

  it.each([
    ['no tag, meaning latest', `${R}/base`, `${R}/base:latest`, `${R}/base`],
    ['the tag the sibling builds', `${R}/base:2.0`, `${R}/base:2.0`, `${R}/base:2.0`],
    ['another Docker Hub spelling of it', 'docker.io/acme/base:2.0', 'acme/base:2.0', 'acme/base:2.0'],
    ['COPY --from of the latest tag', 'acme/base:latest', 'index.docker.io/acme/base', 'acme/base'],
  ])('links a reference naming exactly a tag this run builds: %s', (_, ref, tag, key) => {
    const { contexts } = linkSiblingImages([service('base', [], ALL, [tag]), service('api', [ref])]);
    expect(contexts.get('api:docker-multiarch')).toEqual({ [key]: 'base:docker-multiarch' });
  });

  it.each([
    ['another tag (FROM base:1.0 while the run builds base:2.0)', `${R}/base:1.0`, [`${R}/base:2.0`], 'this run does not build that tag'],
    ['latest implied while the run builds 2.0', `${R}/base`, [`${R}/base:2.0`], 'this run does not build that tag'],
    ['a digest', `${R}/base@${DIGEST}`, [`${R}/base:latest`], 'it is pinned by digest'],
    ['a digest with the very tag the run builds', `${R}/base:2.0@${DIGEST}`, [`${R}/base:2.0`], 'it is pinned by digest'],
  ])('pulls a reference pinned to %s as written, and says so', (_, ref, tags, why) => {
    const { contexts, problems, notes } = linkSiblingImages([service('base', [], ALL, tags), service('api', [ref])]);
    expect(contexts.size).toBe(0);
    expect(problems.size).toBe(0);
    expect(notes).toEqual([
      `'api:docker-multiarch' uses ${ref}, but ${why} ('base:docker-multiarch' builds ${tags.join(', ')}): pulled as written, not linked`,
    ]);
  });

  it('links only the exact references when one Dockerfile names several tags of the sibling', () => {
    const { contexts, notes } = linkSiblingImages([
      service('base', [], ALL, [`${R}/base:2.0`, `${R}/base:latest`]),
      service('api', [`${R}/base:1.2`, `${R}/base:2.0`, `${R}/base@${DIGEST}`, `${R}/base`, 'golang:1.22']),
    ]);
    expect(contexts.get('api:docker-multiarch')).toEqual({
      [`${R}/base:2.0`]: 'base:docker-multiarch',
      [`${R}/base`]: 'base:docker-multiarch',
    });
    expect(notes).toHaveLength(2);
  });

  it('keys by task: a second target of one project is its own sibling, with its own tags', () => {
    const plain = service('two', [], ALL, [`${R}/two:plain`]);
    const debug = service('two', [`${R}/two:plain`], ALL, [`${R}/two:debug`], 'docker-multiarch-debug');
    const { contexts, problems } = linkSiblingImages([plain, debug, service('api', [`${R}/two:debug`])]);
    expect(Object.fromEntries(contexts)).toEqual({
      'two:docker-multiarch-debug': { [`${R}/two:plain`]: 'two:docker-multiarch' },
      'api:docker-multiarch': { [`${R}/two:debug`]: 'two:docker-multiarch-debug' },
    });
    expect(problems.size).toBe(0);
  });

  it('does not link a task to the image it builds itself, and says so', () => {
    const { contexts, notes } = linkSiblingImages([service('api', [`${R}/api:latest`])]);
    expect(contexts.size).toBe(0);
    expect(notes).toEqual([`'api:docker-multiarch' uses ${R}/api:latest, an image it builds itself: pulled as written, not linked`]);
  });

  it('links chains, each to its own base', () => {
    const { contexts } = linkSiblingImages([
      service('api', [`${R}/runtime:latest`]),
      service('runtime', [`${R}/base:latest`]),
      service('base'),
    ]);
    expect(Object.fromEntries(contexts)).toEqual({
      'api:docker-multiarch': { [`${R}/runtime`]: 'runtime:docker-multiarch' },
      'runtime:docker-multiarch': { [`${R}/base`]: 'base:docker-multiarch' },
    });
  });

  it('does not link a base that is not in this bake, and has nothing to say about it', () => {
    const { contexts, notes } = linkSiblingImages([service('api', [`${R}/base:latest`])]);
    expect(contexts.size).toBe(0);
    expect(notes).toEqual([]);
  });

  it('refuses only the dependent whose base does not cover its platforms', () => {
    const { contexts, problems } = linkSiblingImages([
      service('base', [], ['linux/amd64']),
      service('api', [`${R}/base:latest`], ['linux/amd64', 'linux/arm64']),
      service('web', [`${R}/base:latest`], ['linux/amd64']),
    ]);
    expect([...contexts.keys()]).toEqual(['web:docker-multiarch']);
    expect([...problems]).toEqual([
      [
        'api:docker-multiarch',
        `'api:docker-multiarch' is built FROM 'base:docker-multiarch' (${R}/base:latest) in the same bake, but 'base:docker-multiarch' is not built for linux/arm64: ` +
          "add it to 'base:docker-multiarch' platforms, or build 'api:docker-multiarch' for fewer",
      ],
    ]);
  });

  it('refuses a reference two tasks of the run both produce, instead of picking one', () => {
    const { contexts, problems } = linkSiblingImages([
      service('a', [], ALL, [`${R}/x:1`]),
      service('b', [], ALL, [`${R}/x:1`]),
      service('api', [`${R}/x:1`]),
    ]);
    expect(contexts.size).toBe(0);
    expect(problems.get('api:docker-multiarch')).toMatch(/several tasks of this run produce \(a:docker-multiarch, b:docker-multiarch\)/);
  });

  it('refuses the tasks of a cycle, naming it, and links the others', () => {
    const { contexts, problems } = linkSiblingImages([
      service('a', [`${R}/b:latest`]),
      service('b', [`${R}/a:latest`]),
      service('base'),
      service('api', [`${R}/base:latest`]),
    ]);
    expect([...problems.keys()].sort()).toEqual(['a:docker-multiarch', 'b:docker-multiarch']);
    expect(problems.get('a:docker-multiarch')).toMatch(/cycle: a:docker-multiarch → b:docker-multiarch → a:docker-multiarch /);
    expect([...contexts.keys()]).toEqual(['api:docker-multiarch']);
  });
});

describe('rejectDependents', () => {
  const contexts = new Map<string, Record<string, string>>([
    ['api', { base: 'base' }],
    ['web', { 'api:1': 'api' }],
    ['worker', { tools: 'tools' }],
  ]);

  it('refuses every task built FROM a refused sibling, down the chain, and no other', () => {
    const problems = new Map([['base', 'base has a problem']]);
    expect(rejectDependents(problems, contexts).sort()).toEqual(['api', 'web']);
    expect(problems.get('api')).toBe("not built: it is built FROM 'base', which is not built in this run (see its own error)");
    expect(problems.get('web')).toContain("FROM 'api'");
    expect(problems.has('worker')).toBe(false);
  });

  it('adds nothing when no base is refused', () => {
    const problems = new Map([['worker', 'own problem']]);
    expect(rejectDependents(problems, contexts)).toEqual([]);
    expect([...problems.keys()]).toEqual(['worker']);
  });
});
