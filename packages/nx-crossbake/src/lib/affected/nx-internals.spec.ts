import { installedNxVersion } from '../core/nx-version';
import { loadNxAffectedInternals, nxMajor } from './nx-internals';

// Not mocked: proves the deep imports still resolve on the Nx version this repository installs (22). The
// e2e suite (nx-versions.e2e.ts) runs the same adapter inside Nx 24 workspaces, where it takes the task path.
describe('loadNxAffectedInternals on the installed Nx', () => {
  const internals = loadNxAffectedInternals();

  it('finds the functions of this Nx major', () => {
    expect(internals).toBeDefined();
    expect(internals!.version).toBe(installedNxVersion());
    expect(typeof internals!.changedFiles).toBe('function');
    expect(typeof internals!.touchedProjects).toBe('function');
    // Task selection by inputs is Nx 24's; before it, `nx affected -t` runs every task of affected projects.
    expect(internals!.projectsWithAffectedTask === undefined).toBe(nxMajor(internals!.version) < 24);
  });

  it('selects what `nx affected -t` selects on this Nx: tasks on Nx 24 unless legacy, whole projects before it', () => {
    const tasks = nxMajor(internals!.version) >= 24;
    expect(internals!.selection({})).toBe(tasks ? 'tasks' : 'projects');
    expect(internals!.selection({ affected: { legacy: true } } as never)).toBe('projects');
  });

  it('locates the project that owns a changed file', async () => {
    const graph = {
      nodes: {
        api: { name: 'api', type: 'app', data: { root: 'services/api' } },
        web: { name: 'web', type: 'app', data: { root: 'services/web' } },
      },
      dependencies: { api: [], web: [] },
      externalNodes: {},
    };
    const touched = await internals!.touchedProjects(
      [{ file: 'services/api/Dockerfile', getChanges: () => [] } as never],
      graph as never,
      {},
      '/nowhere',
    );
    expect(touched).toEqual(['api']);
  });
});

describe('nxMajor', () => {
  it.each([
    ['24.0.6', 24],
    ['22.7.8', 22],
    ['25.0.0-beta.1', 25],
  ])('%s → %d', (version, major) => expect(nxMajor(version)).toBe(major));

  it('is NaN for no version', () => expect(nxMajor(undefined)).toBeNaN());
});
