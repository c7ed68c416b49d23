import type { NxJsonConfiguration, ProjectGraph } from '@nx/devkit';

const graph = {
  nodes: {
    base: {
      name: 'base',
      type: 'app',
      data: { root: 'services/base', targets: { 'docker-multiarch': { executor: 'nx-crossbake:multiarch' } } },
    },
    api: {
      name: 'api',
      type: 'app',
      data: { root: 'services/api', targets: { 'docker-multiarch': { executor: 'nx-crossbake:multiarch' } } },
    },
    lib: { name: 'lib', type: 'lib', data: { root: 'libs/lib', targets: { build: { executor: 'nx:run-commands' } } } },
    tools: { name: 'tools', type: 'lib', data: { root: 'tools', targets: { 'docker-multiarch': { executor: 'other:executor' } } } },
  },
  dependencies: {
    base: [{ source: 'base', target: 'lib', type: 'static' }],
    api: [
      { source: 'api', target: 'base', type: 'static' },
      { source: 'api', target: 'npm:express', type: 'static' },
    ],
    lib: [],
    tools: [],
  },
} as unknown as ProjectGraph;

// Nx 24's nx.json key (unknown to Nx 22's types); the mock below selects tasks for it.
const TASK_SELECTION = { affected: { legacy: false } } as unknown as NxJsonConfiguration;
let touched: string[] = [];
let selected: string[] = [];
let mockInternals: object | undefined;
const taskQueries: unknown[] = [];
jest.mock('@nx/devkit', () => ({ createProjectGraphAsync: async () => graph }));
jest.mock('./nx-internals', () => ({ loadNxAffectedInternals: () => mockInternals }));
beforeEach(() => {
  taskQueries.length = 0;
  mockInternals = {
    version: '22.7.8',
    changedFiles: () => [{ file: 'services/base/Dockerfile' }],
    selection: (nxJson: { affected?: { legacy?: boolean } }) => (nxJson.affected?.legacy === false ? 'tasks' : 'projects'),
    touchedProjects: async () => touched,
    projectsWithAffectedTask: async (query: unknown) => {
      taskQueries.push(query);
      return selected;
    },
  };
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
    expect((await findAffectedProjects(query, 'docker-multiarch')).affected).toEqual(affected);
  });

  it('asks the Nx CLI when the internals are gone', async () => {
    mockInternals = undefined;
    const exec = jest.fn(async () => ({ exitCode: 0, stdout: '["api"]', stderr: '' }));
    expect((await findAffectedProjects({ ...query, head: 'HEAD' }, 'docker-multiarch', exec)).affected).toEqual(['api']);
    expect(exec).toHaveBeenCalledWith(
      'npx',
      ['nx', 'show', 'projects', '--affected', '-t', 'docker-multiarch', '--base=main', '--head=HEAD', '--json'],
      { cwd: '/w' },
    );
  });

  it('takes the tasks Nx 24 selects by their inputs, and walks nothing itself (the inputs decide)', async () => {
    mockInternals = { ...mockInternals, version: '24.0.6' };
    touched = ['base', 'api']; // what the project walk would give: not used when Nx selects tasks
    selected = ['base'];
    const nxJson = TASK_SELECTION;
    const result = await findAffectedProjects({ ...query, nxJson, head: 'HEAD' }, 'docker-multiarch');
    expect(result.affected).toEqual(['base']);
    expect(result.selection).toBe('Nx 24.0.6, tasks whose inputs changed');
    expect(taskQueries).toEqual([
      { files: [{ file: 'services/base/Dockerfile' }], graph, nxJson, target: 'docker-multiarch', base: 'main', head: 'HEAD' },
    ]);
  });

  it('says when it walked whole projects', async () => {
    touched = ['base'];
    expect((await findAffectedProjects(query, 'docker-multiarch')).selection).toBe('Nx 22.7.8, projects');
    expect(taskQueries).toEqual([]);
  });

  describe('image dependencies', () => {
    // A graph without the image edge web → base, as Nx builds it when the plugin is not registered.
    const images = {
      ...graph,
      nodes: {
        ...graph.nodes,
        web: {
          name: 'web',
          type: 'app',
          data: { root: 'services/web', targets: { 'docker-multiarch': { executor: 'nx-crossbake:multiarch', options: {} } } },
        },
        base: {
          ...graph.nodes.base,
          data: {
            ...graph.nodes.base.data,
            targets: {
              'docker-multiarch': { executor: 'nx-crossbake:multiarch', options: { tags: ['r.example.com/acme/{projectName}:{version}'] } },
            },
          },
        },
      },
      dependencies: { ...graph.dependencies, web: [] },
    } as unknown as ProjectGraph;
    const files: Record<string, string> = {
      'services/base/Dockerfile': 'FROM busybox\n',
      'services/web/Dockerfile': 'FROM r.example.com/acme/base:7\n',
    };
    const readFile = (path: string) => files[path] ?? '';
    const unregistered = { ...query, graph: images, readFile };
    const registered = { ...unregistered, nxJson: { plugins: ['nx-crossbake'] } };

    it('computes them when the plugin is not registered, and says so', async () => {
      touched = ['base'];
      const { affected, notices } = await findAffectedProjects(unregistered, 'docker-multiarch');
      expect(affected).toEqual(['base', 'api', 'web']);
      expect(notices).toEqual([expect.stringMatching(/not registered in nx\.json.*\(1 found\)\. Add "nx-crossbake" to "plugins"/)]);
    });

    it("follows them from the Nx CLI's answer too", async () => {
      mockInternals = undefined;
      const exec = jest.fn(async () => ({ exitCode: 0, stdout: '["base","api"]', stderr: '' }));
      expect((await findAffectedProjects(unregistered, 'docker-multiarch', exec)).affected).toEqual(['base', 'api', 'web']);
    });

    it('follows them from the tasks Nx 24 selects, which cannot know them', async () => {
      selected = ['base'];
      const { affected } = await findAffectedProjects({ ...unregistered, nxJson: TASK_SELECTION }, 'docker-multiarch');
      expect(affected).toEqual(['base', 'web']);
    });

    it('takes them from the project graph when the plugin is registered', async () => {
      touched = ['base'];
      const { affected, notices } = await findAffectedProjects(registered, 'docker-multiarch');
      expect(affected).toEqual(['base', 'api']); // this hand-made graph lacks web → base: nothing is added to it
      expect(notices).toEqual([]);
    });
  });
});
