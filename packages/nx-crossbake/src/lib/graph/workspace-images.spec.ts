import { findImageDependencies, readWorkspaceImages, type ProjectImages, type ProjectTargets } from './workspace-images';

const project = (name: string, images: string[], dockerfileRefs: string[] = []): ProjectImages => ({ name, images, dockerfileRefs });
const pairs = (projects: ProjectImages[]) => findImageDependencies(projects).map((e) => `${e.source}->${e.target}`);

describe('findImageDependencies (the graph: conservative)', () => {
  it.each([
    [
      'by repository, whatever the tag pinned',
      [
        project('base', ['registry.example.com/acme/base:1.2', 'registry.example.com/acme/base:latest']),
        project('api', [], ['registry.example.com/acme/base:1.0']),
      ],
      [{ source: 'api', target: 'base', image: 'registry.example.com/acme/base:1.0' }],
    ],
    [
      'by repository, for a digest-pinned reference too',
      [project('base', ['r.example.com:5000/acme/base:1']), project('api', [], ['r.example.com:5000/acme/base@sha256:abc'])],
      [{ source: 'api', target: 'base', image: 'r.example.com:5000/acme/base@sha256:abc' }],
    ],
    [
      'from a templated tag, {projectName} rendered as normalize does',
      [
        project('@acme/base', ['registry.example.com/acme/{projectName}:{version}']),
        project('api', [], ['registry.example.com/acme/acme-base:1.4']),
      ],
      [{ source: 'api', target: '@acme/base', image: 'registry.example.com/acme/acme-base:1.4' }],
    ],
    [
      'from a templated tag as Nx hands it over, {projectName} already substituted',
      [
        project('@acme/base', ['registry.example.com/acme/@acme/base:{version}']),
        project('api', [], ['registry.example.com/acme/acme-base']),
      ],
      [{ source: 'api', target: '@acme/base', image: 'registry.example.com/acme/acme-base' }],
    ],
    [
      'from a placeholder in the repository',
      [project('base', ['registry.example.com/{branch}/base:1']), project('api', [], ['registry.example.com/main/base:1'])],
      [{ source: 'api', target: 'base', image: 'registry.example.com/main/base:1' }],
    ],
    [
      'across Docker Hub spellings',
      [project('base', ['docker.io/acme/base:1']), project('api', [], ['acme/base']), project('web', [], ['index.docker.io/acme/base:2'])],
      [
        { source: 'api', target: 'base', image: 'acme/base' },
        { source: 'web', target: 'base', image: 'index.docker.io/acme/base:2' },
      ],
    ],
    ['not across registries', [project('base', ['r1.example.com/acme/base']), project('api', [], ['r2.example.com/acme/base'])], []],
    ['not for external images', [project('api', ['acme/api'], ['node:20', 'ghcr.io/astral-sh/uv'])], []],
    ['not to the project itself', [project('api', ['acme/api:2'], ['acme/api:1'])], []],
    [
      "not to another project's rendered name",
      [project('base', ['r.example.com/{projectName}:1']), project('api', [], ['r.example.com/web:1'])],
      [],
    ],
    [
      'once per pair, keeping the first reference',
      [project('base', ['acme/base']), project('api', [], ['acme/base:1', 'acme/base:2'])],
      [{ source: 'api', target: 'base', image: 'acme/base:1' }],
    ],
    [
      'in a chain',
      [
        project('app', ['acme/app'], ['acme/runtime']),
        project('runtime', ['acme/runtime'], ['acme/os']),
        project('os', ['acme/os'], ['debian:12']),
      ],
      [
        { source: 'app', target: 'runtime', image: 'acme/runtime' },
        { source: 'runtime', target: 'os', image: 'acme/os' },
      ],
    ],
  ])('finds edges %s', (_, projects, edges) => {
    expect(findImageDependencies(projects)).toEqual(edges);
  });

  it('lets the tag choose among projects sharing one repository (a tag per service), templates included', () => {
    expect(
      pairs([
        project('base', ['acme/app:base-{version}']),
        project('api', ['acme/app:api-{version}'], ['acme/app:base-1.0']),
        project('web', ['acme/app:web'], ['docker.io/acme/app:api-2']),
        project('lonely', ['acme/lonely:latest']),
        project('cli', [], ['acme/lonely']), // no tag means latest
      ]),
    ).toEqual(['api->base', 'cli->lonely', 'web->api']);
  });

  it('depends on every producer of a shared repository when the tag matches none of them (rebuilding too often is safe)', () => {
    expect(
      pairs([
        project('a', ['acme/x:a']),
        project('b', ['acme/x:b']),
        project('web', [], ['acme/x:old']),
        project('worker', [], ['acme/x@sha256:abc']),
      ]),
    ).toEqual(['web->a', 'web->b', 'worker->a', 'worker->b']);
  });

  it("gives no edge for a project's own tag in a shared repository, and every other producer for an unknown one", () => {
    expect(pairs([project('a', ['acme/x:a'], ['acme/x:a']), project('b', ['acme/x:b'])])).toEqual([]);
    expect(pairs([project('a', ['acme/x:a'], ['acme/x:old']), project('b', ['acme/x:b'])])).toEqual(['a->b']);
  });

  it('gives the same result whatever the order of the projects', () => {
    const projects = [
      project('z', ['acme/z'], ['acme/a', 'acme/m']),
      project('a', ['acme/a'], ['acme/shared']),
      project('m', ['acme/m'], ['acme/a']),
      project('s1', ['acme/shared:1']),
      project('s2', ['acme/{projectName}:2']),
    ];
    const forward = findImageDependencies(projects);
    expect(findImageDependencies([...projects].reverse())).toEqual(forward);
    expect(forward.map((e) => `${e.source}->${e.target}`)).toEqual(['a->s1', 'm->a', 'z->a', 'z->m']);
  });
});

describe('readWorkspaceImages', () => {
  const files: Record<string, string> = {
    'apps/api/Dockerfile': 'ARG REG=r.example.com\nFROM ${REG}/acme/base:1\n',
    'apps/api/debug.Dockerfile': 'FROM busybox\n',
  };
  const readFile = (path: string) => {
    if (path.endsWith('folder/Dockerfile'))
      throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read`), { code: 'EISDIR' });
    if (!(path in files)) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return files[path];
  };
  const multiarch = (options: unknown) => ({ executor: 'nx-crossbake:multiarch', options });
  const read = (options: unknown, root = 'apps/api') =>
    readWorkspaceImages({ api: { root, targets: { 'docker-multiarch': multiarch(options) } } }, readFile);

  it('reads every multiarch target of a project, each with its own tags and Dockerfile', () => {
    const { images, unread } = readWorkspaceImages(
      {
        api: {
          root: 'apps/api',
          targets: {
            'docker-multiarch': multiarch({ tags: ['acme/api:{version}'], 'build-args': { REG: 'ghcr.io' } }),
            'docker-multiarch-debug': multiarch({ tags: 'acme/api:debug', file: 'apps/api/debug.Dockerfile' }),
            build: { executor: 'nx:run-commands', options: { tags: 5 } },
          },
        },
      },
      readFile,
    );
    expect(unread).toEqual([]);
    expect(images).toEqual([
      {
        name: 'api',
        target: 'docker-multiarch',
        images: ['acme/api:{version}'],
        dockerfile: 'apps/api/Dockerfile',
        dockerfileRefs: ['ghcr.io/acme/base:1'],
      },
      {
        name: 'api',
        target: 'docker-multiarch-debug',
        images: ['acme/api:debug'],
        dockerfile: 'apps/api/debug.Dockerfile',
        dockerfileRefs: ['busybox'],
      },
    ]);
  });

  it.each([
    ['build-args as a comma-free string', { 'build-args': 'REG=ghcr.io' }],
    ['build-args as a map', { 'build-args': { REG: 'ghcr.io' } }],
    ['tags as a comma string', { tags: 'a:1,b:2' }],
    ['platforms as a number (not read by the graph)', { platforms: 5 }],
  ])('accepts the forms normalize accepts: %s', (_, options) => {
    expect(read(options).unread).toEqual([]);
  });

  it.each([
    ['tags a number', { tags: 5 }, /'tags' is 5/],
    ['tags a map', { tags: { a: 1 } }, /'tags' is \{"a":1\}/],
    ['tags a list with a nested object', { tags: ['a', { b: 1 }] }, /'tags'/],
    ['build-args a number', { 'build-args': 5 }, /'build-args' is 5/],
    ['build-args a map with a nested object', { 'build-args': { A: { B: 1 } } }, /'build-args' entry 'A'/],
    ['build-args an entry without =', { 'build-args': ['NOPE'] }, /not of the form KEY=VALUE/],
    ['file a list', { file: ['x'] }, /'file'/],
    ['file outside the workspace', { file: '../elsewhere/Dockerfile' }, /outside the workspace/],
    ['file absolute', { file: '/etc/Dockerfile' }, /outside the workspace/],
    ['options a string', 'tags', /not an object/],
    ['options null', null, /not an object/],
    ['options a list', [1], /not an object/],
    ['a missing Dockerfile', { file: 'apps/api/missing.Dockerfile' }, /ENOENT/],
  ])('never throws, and leaves out the target, for %s', (_, options, reason) => {
    let result: ReturnType<typeof read> | undefined;
    expect(() => (result = read(options))).not.toThrow();
    expect(result!.images).toEqual([]);
    expect(result!.unread).toEqual([{ project: 'api', target: 'docker-multiarch', reason: expect.stringMatching(reason) }]);
  });

  it('leaves out a target whose Dockerfile is a folder, and keeps the other projects', () => {
    const { images, unread } = readWorkspaceImages(
      { folder: { root: 'apps/folder', targets: { d: multiarch({}) } }, api: { root: 'apps/api', targets: { d: multiarch({}) } } },
      readFile,
    );
    expect(images.map((i) => i.name)).toEqual(['api']);
    expect(unread).toEqual([{ project: 'folder', target: 'd', reason: expect.stringMatching(/EISDIR/) }]);
  });

  it('skips configurations without usable targets', () => {
    const odd = { a: { root: 'a' }, b: { root: 'b', targets: null }, c: { root: 'c', targets: { t: undefined } } } as unknown as Record<
      string,
      ProjectTargets
    >;
    expect(readWorkspaceImages(odd, readFile)).toEqual({ images: [], unread: [] });
  });
});
