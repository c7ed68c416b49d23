import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findContextLeaks, formatContextWarning, warnChurningContexts, type ContextFs } from './context-check';

/** A workspace as a set of paths: folders and files, files with their text. */
function fakeFs(entries: Record<string, string | null>): ContextFs {
  const paths = Object.keys(entries);
  return {
    exists: (path) => paths.some((p) => p === path || p.startsWith(`${path}/`)),
    read: (path) => entries[path] ?? undefined,
  };
}

const service = (project: string, context: string, file = `apps/${project}/Dockerfile`, targetName = 'docker-multiarch') => ({
  id: `${project}:${targetName}`,
  project,
  targetName,
  context,
  file,
});

const ROOT_WORKSPACE = {
  '.nx/workspace-data/project-graph.json': null,
  'node_modules/nx/package.json': null,
  'apps/a/Dockerfile': null,
  'apps/b/Dockerfile': null,
};

describe('findContextLeaks', () => {
  it.each([
    ['no .dockerignore at all', {}, ['.nx/', 'dist/ (dist/nx-crossbake/)', 'node_modules/']],
    ['node_modules and .git only', { '.dockerignore': 'node_modules\n.git\n' }, ['.nx/', 'dist/ (dist/nx-crossbake/)']],
    ['what init writes', { '.dockerignore': '.git\n.nx\ntmp\ndist/nx-crossbake\nnode_modules\n' }, []],
    ['all of dist, and .nx as a glob', { '.dockerignore': '.nx/**\ndist\nnode_modules/\n' }, []],
    ['an allow-list', { '.dockerignore': '*\n!apps/**\n!package*.json\n' }, []],
    ['an exception that reaches into .nx', { '.dockerignore': '.nx\n!.nx/cache\ndist\nnode_modules\n' }, ['.nx/']],
  ])('a root context with %s sends %j', (_, files, expected) => {
    const leaks = findContextLeaks([service('a', '.'), service('b', '.')], fakeFs({ ...ROOT_WORKSPACE, ...files }));
    expect(leaks.flatMap((l) => l.folders)).toEqual(expected);
    if (expected.length > 0)
      expect(leaks).toEqual([expect.objectContaining({ context: '.', ignoreFile: '.dockerignore', tasks: ['a', 'b'] })]);
  });

  it("judges each task by the ignore file BuildKit reads: a Dockerfile's own replaces the context's", () => {
    const fs = fakeFs({
      ...ROOT_WORKSPACE,
      '.dockerignore': '.nx\ndist\nnode_modules\n',
      'apps/b/Dockerfile.dockerignore': 'node_modules\n',
    });
    expect(findContextLeaks([service('a', '.'), service('b', '.')], fs)).toEqual([
      {
        context: '.',
        ignoreFile: 'apps/b/Dockerfile.dockerignore',
        ignoreFileExists: true,
        folders: ['.nx/', 'dist/ (dist/nx-crossbake/)'],
        tasks: ['b'],
      },
    ]);
  });

  it('counts tmp/ and node_modules/ in a project context only when they are there, and the root-only folders never', () => {
    const files = { ...ROOT_WORKSPACE, 'apps/a/node_modules/x/index.js': null, 'apps/a/tmp/log.txt': null, 'apps/a/dist/main.js': null };
    const leaks = findContextLeaks([service('a', 'apps/a'), service('b', 'apps/b')], fakeFs(files));
    expect(leaks).toEqual([
      { context: 'apps/a', ignoreFile: 'apps/a/.dockerignore', ignoreFileExists: false, folders: ['tmp/', 'node_modules/'], tasks: ['a'] },
    ]);
  });

  it('names a second target of a project by its task, and groups tasks sharing a context', () => {
    const leaks = findContextLeaks([service('a', './'), service('a', '.', 'apps/a/Dockerfile', 'docker-debug')], fakeFs(ROOT_WORKSPACE));
    expect(leaks.map((l) => l.tasks)).toEqual([['a', 'a:docker-debug']]);
  });

  it('claims nothing for an ignore file BuildKit would refuse (the build reports that itself)', () => {
    expect(findContextLeaks([service('a', '.')], fakeFs({ ...ROOT_WORKSPACE, '.dockerignore': '[\n' }))).toEqual([]);
  });
});

describe('formatContextWarning', () => {
  it('says nothing when no context leaks', () => {
    expect(formatContextWarning([])).toBeUndefined();
  });

  it('names every context, its tasks, the folders and the file to add them to', () => {
    const text = formatContextWarning([
      {
        context: '.',
        ignoreFile: '.dockerignore',
        ignoreFileExists: true,
        folders: ['.nx/', 'dist/ (dist/nx-crossbake/)'],
        tasks: ['a', 'b'],
      },
      { context: 'apps/c', ignoreFile: 'apps/c/.dockerignore', ignoreFileExists: false, folders: ['node_modules/'], tasks: ['c'] },
    ])!;
    expect(text).toContain("context '.' (a, b): .nx/, dist/ (dist/nx-crossbake/), not excluded by .dockerignore\n");
    expect(text).toContain("context 'apps/c' (c): node_modules/, not excluded by apps/c/.dockerignore (there is none)");
    expect(text.split('\n')[0]).toMatch(/^nx-crossbake: .*run again each time:$/);
  });
});

describe('warnChurningContexts', () => {
  it('reads the real workspace and logs once for the whole run', () => {
    const root = mkdtempSync(join(tmpdir(), 'crossbake-context-'));
    try {
      mkdirSync(join(root, '.nx/workspace-data'), { recursive: true });
      mkdirSync(join(root, 'apps/a'), { recursive: true });
      writeFileSync(join(root, '.dockerignore'), 'node_modules\n.git\n');
      const logs: string[] = [];
      warnChurningContexts(root, [service('a', '.'), service('b', '.')], (m) => logs.push(m));
      expect(logs).toHaveLength(1);
      expect(logs[0]).toContain("context '.' (a, b): .nx/, dist/ (dist/nx-crossbake/), not excluded by .dockerignore");

      writeFileSync(join(root, '.dockerignore'), 'node_modules\n.git\n.nx\ndist/nx-crossbake\n');
      logs.length = 0;
      warnChurningContexts(root, [service('a', '.')], (m) => logs.push(m));
      expect(logs).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
