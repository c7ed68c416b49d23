import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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
    Object.entries(projects).map(([name, p]) => [name, Object.keys(files).filter((f) => f.startsWith(`${p.root}/`)).map((file) => ({ file, hash: '1' }))]),
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
        'apps/api/Dockerfile': 'FROM registry.example.com/acme/base:1.4 AS runtime\nCOPY --from=registry.example.com/acme/tools /bin/x /x\n',
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
      { 'docker/api.Dockerfile': 'ARG BASE_TAG=1\nARG REGISTRY\nFROM ${REGISTRY}/acme/base:${BASE_TAG}\n', 'libs/base/Dockerfile': 'FROM busybox\n' },
      {
        base: { root: 'libs/base', targets: { docker: multiarch({ tags: ['r.example.com/acme/base:1'] }) } },
        api: { root: 'apps/api', targets: { docker: multiarch({ file: 'docker/api.Dockerfile', 'build-args': ['REGISTRY=r.example.com'] }) } },
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
});
