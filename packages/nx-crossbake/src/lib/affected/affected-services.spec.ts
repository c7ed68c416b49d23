import type { ProjectGraph } from '@nx/devkit';

const graph = {
  nodes: {
    base: { name: 'base', type: 'app', data: { root: 'services/base', targets: { 'docker-multiarch': { executor: 'nx-crossbake:multiarch' } } } },
    api: { name: 'api', type: 'app', data: { root: 'services/api', targets: { 'docker-multiarch': { executor: 'nx-crossbake:multiarch' } } } },
    lib: { name: 'lib', type: 'lib', data: { root: 'libs/lib', targets: { build: { executor: 'nx:run-commands' } } } },
    tools: { name: 'tools', type: 'lib', data: { root: 'tools', targets: { 'docker-multiarch': { executor: 'other:executor' } } } },
  },
  dependencies: {
    base: [{ source: 'base', target: 'lib', type: 'static' }],
    api: [{ source: 'api', target: 'base', type: 'static' }, { source: 'api', target: 'npm:express', type: 'static' }],
    lib: [],
    tools: [],
  },
} as unknown as ProjectGraph;

let touched: string[] = [];
let mockInternals: object | undefined;
jest.mock('@nx/devkit', () => ({ createProjectGraphAsync: async () => graph }));
jest.mock('./nx-internals', () => ({ loadNxAffectedInternals: () => mockInternals }));
beforeEach(() => {
  mockInternals = { changedFiles: () => [], touchedProjects: async () => touched };
});

import { findAffectedProjects, projectsWithExecutor } from './affected-services';

describe('projectsWithExecutor', () => {
  it('keeps the projects whose target runs the executor', () => {
    expect(projectsWithExecutor(graph, 'docker-multiarch', 'nx-crossbake:multiarch')).toEqual(['base', 'api']);
  });
});

describe('findAffectedProjects', () => {
  const query = { workspaceRoot: '/w', base: 'main', nxJson: {} };

  it.each([
    [['lib'], ['lib', 'base', 'api']],
    [['base'], ['base', 'api']],
    [['api'], ['api']],
    [['npm:express'], ['api']],
    [[], []],
  ])('touched %j → affected %j, walking the reversed graph (external nodes left out)', async (t, affected) => {
    touched = t;
    expect((await findAffectedProjects(query)).affected).toEqual(affected);
  });

  it('asks the Nx CLI when the internals are gone', async () => {
    mockInternals = undefined;
    const exec = jest.fn(async () => ({ exitCode: 0, stdout: '["api"]', stderr: '' }));
    expect((await findAffectedProjects({ ...query, head: 'HEAD' }, exec)).affected).toEqual(['api']);
    expect(exec).toHaveBeenCalledWith('npx', ['nx', 'show', 'projects', '--affected', '--base=main', '--head=HEAD', '--json'], { cwd: '/w' });
  });
});
