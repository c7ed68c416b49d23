import type { ProjectGraph } from '@nx/devkit';
import { affectedProjects, type ProjectDependencies, touchedProjectsFromFiles } from './affected-walk';

/** `{ app: ['lib'] }` → Nx-shaped dependencies: app depends on lib. */
const graph = (deps: Record<string, string[]>): ProjectDependencies =>
  Object.fromEntries(
    Object.entries(deps).map(([source, targets]) => [source, targets.map((target) => ({ source, target, type: 'static' }))]),
  );

describe('affectedProjects', () => {
  const diamond = graph({ app: ['left', 'right'], left: ['base'], right: ['base'], base: [], other: [] });

  it.each([
    ['a leaf touches only itself', ['app'], diamond, ['app']],
    ['a base touches everything built on it, once', ['base'], diamond, ['base', 'left', 'right', 'app']],
    ['one side of a diamond', ['left'], diamond, ['left', 'app']],
    [
      'several touched projects, deduplicated, in the given order',
      ['right', 'other', 'right', 'left'],
      diamond,
      ['right', 'other', 'left', 'app'],
    ],
    ['nothing touched', [], diamond, []],
    ['a touched project the graph does not know', ['ghost'], diamond, ['ghost']],
    ['a cycle terminates', ['a'], graph({ a: ['b'], b: ['c'], c: ['a'] }), ['a', 'c', 'b']],
    ['a project depending on itself', ['a'], graph({ a: ['a'], b: ['a'] }), ['a', 'b']],
    ['a long chain, transitively', ['p0'], graph({ p1: ['p0'], p2: ['p1'], p3: ['p2'] }), ['p0', 'p1', 'p2', 'p3']],
    ['dependencies to npm packages are just more nodes', ['npm:react'], graph({ web: ['npm:react'], api: [] }), ['npm:react', 'web']],
  ])('%s', (_, touched, dependencies, affected) => {
    expect(affectedProjects(touched, dependencies)).toEqual(affected);
  });

  it("takes Nx's ProjectGraph.dependencies as they are", () => {
    const projectGraph: ProjectGraph = {
      nodes: {},
      dependencies: { app: [{ source: 'app', target: 'lib', type: 'static' }], lib: [] },
    };
    expect(affectedProjects(['lib'], projectGraph.dependencies)).toEqual(['lib', 'app']);
  });

  // Speed is measured by bench/ (1000 projects), not asserted here: this checks the walk at scale.
  it('walks a large layered graph, reaching each dependent once', () => {
    // 20,000 projects in layers of 100, each depending on 5 projects of the layer below: 100,000 edges.
    const deps: Record<string, string[]> = {};
    for (let i = 0; i < 20_000; i++) {
      const layer = Math.floor(i / 100);
      deps[`p${i}`] = layer === 0 ? [] : [0, 1, 2, 3, 4].map((k) => `p${(layer - 1) * 100 + ((i + k * 17) % 100)}`);
    }
    const dependencies = graph(deps);
    const affected = affectedProjects(['p0', 'p1'], dependencies);
    expect(new Set(affected).size).toBe(affected.length);
    expect(affected.length).toBeGreaterThan(19_000);
  });
});

describe('touchedProjectsFromFiles', () => {
  const roots = { api: 'apps/api', 'api-e2e': 'apps/api/e2e', web: 'apps/web/', lib: './libs/lib', workspace: '.' };

  it.each([
    ['a file in a project', ['apps/api/src/main.ts'], ['api']],
    ['the deepest root wins', ['apps/api/e2e/src/test.ts', 'apps/api/Dockerfile'], ['api-e2e', 'api']],
    ['a root spelled with a trailing slash', ['apps/web/index.html'], ['web']],
    ['a root spelled with ./', ['libs/lib/index.ts'], ['lib']],
    ['a file spelled with ./ or backslashes', ['./apps/web/a.ts', 'apps\\api\\b.ts'], ['web', 'api']],
    ['a sibling whose name only starts like a root', ['apps/api-old/x.ts', 'apps/webby/y.ts'], ['workspace']],
    ['the root project owns what no other project does', ['package.json', 'tools/x.sh'], ['workspace']],
    ['several files of one project count once, in order of first appearance', ['apps/web/a', 'apps/api/b', 'apps/web/c'], ['web', 'api']],
    ['a path that is itself a root (a submodule)', ['libs/lib'], ['lib']],
    ['no files', [], []],
  ])('%s', (_, files, touched) => {
    expect(touchedProjectsFromFiles(files, roots)).toEqual(touched);
  });

  it.each([
    ['touch nothing without a root project', { api: 'apps/api' }, []],
    ['belong to a root project spelled ""', { api: 'apps/api', workspace: '' }, ['workspace']],
  ])('files outside every other project %s', (_, projectRoots, touched) => {
    expect(touchedProjectsFromFiles(['README.md', 'apps/other/x'], projectRoots)).toEqual(touched);
  });
});
