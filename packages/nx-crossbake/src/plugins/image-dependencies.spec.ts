import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DependencyType, type CreateDependenciesContext, type ProjectConfiguration } from '@nx/devkit';
import { createDependencies } from './image-dependencies';

const multiarch = (options: Record<string, unknown>) => ({ executor: 'nx-crossbake:multiarch', options });

function context(files: Record<string, string>, projects: Record<string, ProjectConfiguration>): CreateDependenciesContext {
  const workspaceRoot = mkdtempSync(join(tmpdir(), 'crossbake-deps-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(workspaceRoot, path)), { recursive: true });
    writeFileSync(join(workspaceRoot, path), text);
  }
  const projectFileMap = Object.fromEntries(
    Object.entries(projects).map(([name, p]) => [
      name,
      Object.entries(files)
        .filter(([f]) => f.startsWith(`${p.root}/`))
        .map(([file, text]) => ({ file, hash: createHash('sha256').update(text).digest('hex') })),
    ]),
  );
  return {
    workspaceRoot,
    projects,
    nxJsonConfiguration: {},
    externalNodes: {},
    fileMap: { projectFileMap, nonProjectFiles: [] },
    filesToProcess: { projectFileMap, nonProjectFiles: [] },
  } as unknown as CreateDependenciesContext;
}

describe('createDependencies (image dependencies)', () => {
  it('adds a static edge, from the Dockerfile, when a project builds FROM a sibling image', async () => {
    const ctx = context(
      {
        'libs/base/Dockerfile': 'FROM busybox\n',
        'apps/api/Dockerfile':
          'FROM registry.example.com/acme/base:1.4 AS runtime\nCOPY --from=registry.example.com/acme/tools /bin/x /x\n',
        'apps/web/Dockerfile': 'FROM nginx\n',
      },
      {
        base: { root: 'libs/base', targets: { 'docker-multiarch': multiarch({ tags: ['registry.example.com/acme/base:latest'] }) } },
        api: { root: 'apps/api', targets: { 'docker-multiarch': multiarch({ tags: ['registry.example.com/acme/api:latest'] }) } },
        web: { root: 'apps/web', targets: { 'docker-multiarch': multiarch({ tags: ['registry.example.com/acme/web:latest'] }) } },
      },
    );
    expect(await createDependencies({}, ctx)).toEqual([
      { source: 'api', target: 'base', type: DependencyType.static, sourceFile: 'apps/api/Dockerfile' },
    ]);
  });

  it('reads the Dockerfile named by `file`, with ARG defaults and build-args applied', async () => {
    const ctx = context(
      {
        'docker/api.Dockerfile': 'ARG BASE_TAG=1\nARG REGISTRY\nFROM ${REGISTRY}/acme/base:${BASE_TAG}\n',
        'libs/base/Dockerfile': 'FROM busybox\n',
      },
      {
        base: { root: 'libs/base', targets: { docker: multiarch({ tags: ['r.example.com/acme/base:1'] }) } },
        api: {
          root: 'apps/api',
          targets: { docker: multiarch({ file: 'docker/api.Dockerfile', 'build-args': ['REGISTRY=r.example.com'] }) },
        },
      },
    );
    // The Dockerfile is not a file of the api project: the edge is implicit.
    expect(await createDependencies({}, ctx)).toEqual([{ source: 'api', target: 'base', type: DependencyType.implicit }]);
  });

  it('ignores projects without a multiarch target or without their Dockerfile', async () => {
    const ctx = context(
      { 'apps/api/Dockerfile': 'FROM r.example.com/acme/base\n' },
      {
        base: { root: 'libs/base', targets: { 'docker-multiarch': multiarch({ tags: ['r.example.com/acme/base'] }) } },
        api: { root: 'apps/api', targets: { build: { executor: 'nx:run-commands', options: {} } } },
      },
    );
    expect(await createDependencies({}, ctx)).toEqual([]);
  });

  it('draws the api → base edge from a templated tag, as Nx hands over targetDefaults ({projectName} already substituted)', async () => {
    const templated = (name: string) =>
      multiarch({ tags: [`registry.example.com/acme/${name}:{version}`, 'registry.example.com/acme/{projectName}:{sha}'] });
    const ctx = context(
      { 'libs/base/Dockerfile': 'FROM busybox\n', 'apps/api/Dockerfile': 'FROM registry.example.com/acme/acme-base:1.4\n' },
      {
        '@acme/base': { root: 'libs/base', targets: { 'docker-multiarch': templated('@acme/base') } },
        api: { root: 'apps/api', targets: { 'docker-multiarch': templated('api') } },
      },
    );
    expect(await createDependencies({}, ctx)).toEqual([
      { source: 'api', target: '@acme/base', type: DependencyType.static, sourceFile: 'apps/api/Dockerfile' },
    ]);
  });

  it('draws an edge for a digest-pinned FROM (rebuilding too often is safe)', async () => {
    const ctx = context(
      { 'libs/base/Dockerfile': 'FROM busybox\n', 'apps/api/Dockerfile': `FROM r.example.com/acme/base@sha256:${'a'.repeat(64)}\n` },
      {
        base: { root: 'libs/base', targets: { 'docker-multiarch': multiarch({ tags: ['r.example.com/acme/base:2.0'] }) } },
        api: { root: 'apps/api', targets: { 'docker-multiarch': multiarch({}) } },
      },
    );
    expect(await createDependencies({}, ctx)).toEqual([
      { source: 'api', target: 'base', type: DependencyType.static, sourceFile: 'apps/api/Dockerfile' },
    ]);
  });

  it('names as source file the Dockerfile of the target that uses the image', async () => {
    const ctx = context(
      {
        'libs/base/Dockerfile': 'FROM busybox\n',
        'apps/api/Dockerfile': 'FROM busybox\n',
        'apps/api/debug.Dockerfile': 'FROM r.example.com/acme/base\n',
      },
      {
        base: { root: 'libs/base', targets: { 'docker-multiarch': multiarch({ tags: ['r.example.com/acme/base'] }) } },
        api: {
          root: 'apps/api',
          targets: { 'docker-multiarch': multiarch({}), 'docker-multiarch-debug': multiarch({ file: 'apps/api/debug.Dockerfile' }) },
        },
      },
    );
    expect(await createDependencies({}, ctx)).toEqual([
      { source: 'api', target: 'base', type: DependencyType.static, sourceFile: 'apps/api/debug.Dockerfile' },
    ]);
  });

  describe('never throws for what one project holds', () => {
    const healthy = {
      base: { root: 'libs/base', targets: { 'docker-multiarch': multiarch({ tags: ['r.example.com/acme/base:1'] }) } },
      api: { root: 'apps/api', targets: { 'docker-multiarch': multiarch({ tags: ['r.example.com/acme/api:1'] }) } },
    };
    const files = { 'libs/base/Dockerfile': 'FROM busybox\n', 'apps/api/Dockerfile': 'FROM r.example.com/acme/base:1\n' };
    const apiOnBase = { source: 'api', target: 'base', type: DependencyType.static, sourceFile: 'apps/api/Dockerfile' };

    it.each([
      ['build-args a map (the "entries is not iterable" crash)', { 'build-args': { A: 'b' } }],
      ['build-args a string', { 'build-args': 'A=b' }],
      ['build-args a number', { 'build-args': 5 }],
      ['build-args null', { 'build-args': null }],
      ['build-args a map with a nested object', { 'build-args': { A: { B: 'c' } } }],
      ['tags a string', { tags: 'r.example.com/acme/bad:1' }],
      ['tags a map', { tags: { a: 'b' } }],
      ['tags a number', { tags: 7 }],
      ['tags a list holding an object', { tags: [{ a: 'b' }] }],
      ['platforms a number', { platforms: 5 }],
      ['platforms a comma string', { platforms: 'linux/amd64,linux/arm64' }],
      ['file a number', { file: 3 }],
      ['file a nested object', { file: { path: 'x' } }],
      ['file outside the workspace', { file: '../../etc/Dockerfile' }],
      ['options a string', 'oops'],
      ['options null', null],
    ])('%s', async (_, options) => {
      const ctx = context(
        { ...files, 'apps/bad/Dockerfile': 'FROM r.example.com/acme/base:1\n' },
        { ...healthy, bad: { root: 'apps/bad', targets: { 'docker-multiarch': multiarch(options as Record<string, unknown>) } } },
      );
      const edges = await createDependencies({}, ctx);
      expect(edges).toEqual(expect.arrayContaining([apiOnBase]));
    });

    it.each([
      ['a folder', { 'apps/bad/Dockerfile/README': 'not a Dockerfile\n' }],
      ['missing', {}],
      ['binary garbage', { 'apps/bad/Dockerfile': '\u0000\u0001FROM \\\n\uFFFD ${ ${ <<EOF\n' }],
      ['only a continuation', { 'apps/bad/Dockerfile': 'FROM \\' }],
    ])('a Dockerfile that is %s', async (_, badFiles) => {
      const ctx = context(
        { ...files, ...badFiles },
        { ...healthy, bad: { root: 'apps/bad', targets: { 'docker-multiarch': multiarch({}) } } },
      );
      expect(await createDependencies({}, ctx)).toEqual([apiOnBase]);
    });
  });

  describe("caches what each Dockerfile refers to in Nx's workspace data folder", () => {
    const projects = {
      base: { root: 'libs/base', targets: { 'docker-multiarch': multiarch({ tags: ['r.example.com/acme/base:1'] }) } },
      api: { root: 'apps/api', targets: { 'docker-multiarch': multiarch({}) } },
    };
    const apiOnBase = [{ source: 'api', target: 'base', type: DependencyType.static, sourceFile: 'apps/api/Dockerfile' }];
    const cacheFile = (ctx: CreateDependenciesContext) => join(ctx.workspaceRoot, '.nx', 'workspace-data', 'nx-crossbake-dockerfiles.hash');

    it('answers from the cache while the hash Nx hands over is unchanged, and reads the Dockerfile again when it changes', async () => {
      const ctx = context(
        { 'libs/base/Dockerfile': 'FROM busybox\n', 'apps/api/Dockerfile': 'FROM r.example.com/acme/base:1\n' },
        projects,
      );
      expect(await createDependencies({}, ctx)).toEqual(apiOnBase);
      expect(existsSync(cacheFile(ctx))).toBe(true);
      // Rewritten behind Nx's back (its file map still has the old hash): the cached answer stands.
      writeFileSync(join(ctx.workspaceRoot, 'apps/api/Dockerfile'), 'FROM busybox\n');
      expect(await createDependencies({}, ctx)).toEqual(apiOnBase);
      ctx.fileMap.projectFileMap.api[0].hash = 'changed';
      expect(await createDependencies({}, ctx)).toEqual([]);
    });

    it.each([
      ['not JSON', '{"format":1,'],
      ['a folder', undefined],
    ])('a cache file that is %s gives the same edges', async (_, content) => {
      const ctx = context(
        { 'libs/base/Dockerfile': 'FROM busybox\n', 'apps/api/Dockerfile': 'FROM r.example.com/acme/base:1\n' },
        projects,
      );
      mkdirSync(content === undefined ? cacheFile(ctx) : dirname(cacheFile(ctx)), { recursive: true });
      if (content !== undefined) writeFileSync(cacheFile(ctx), content);
      expect(await createDependencies({}, ctx)).toEqual(apiOnBase);
      expect(await createDependencies({}, ctx)).toEqual(apiOnBase);
      if (content !== undefined) expect(readFileSync(cacheFile(ctx), 'utf8')).toContain('"format":1,"version"');
    });
  });
});
