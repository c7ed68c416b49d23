import { realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run, Workspace } from './support/workspace';

describe('nx migrate', () => {
  it("runs the plugin's migrations from the installed package: 0.1.0's shared report folder becomes the target's own", () => {
    const ws = new Workspace('migrate', [
      { name: 'api', root: 'apps/api', dockerfile: 'FROM scratch\n', options: { platforms: ['linux/amd64'], outputs: ['type=cacheonly'] } },
    ]);
    const project = JSON.parse(ws.read('apps/api/project.json'));
    project.targets['docker-multiarch'].outputs = ['{workspaceRoot}/dist/nx-crossbake/{projectRoot}'];
    ws.write('apps/api/project.json', JSON.stringify(project, null, 2));
    // What `nx migrate nx-crossbake@0.2.0` would write after reading the package's migrations.json (which
    // needs the package on a registry): the same entry, by name, for the installed package.
    // nx migrate takes an Nx installed outside the workspace for a temporary one and starts the workspace's
    // own again, endlessly: give this workspace node_modules of its own (hard links of the template's).
    const modules = join(ws.dir, 'node_modules');
    const template = realpathSync(modules);
    rmSync(modules);
    expect(run('cp', ['-al', template, modules]).code).toBe(0);
    ws.write(
      'migrations.json',
      JSON.stringify({ migrations: [{ package: 'nx-crossbake', name: 'per-target-report-outputs', version: '0.2.0' }] }),
    );

    // The workspace's own Nx runs them, on what is installed: by default nx migrate first fetches nx@latest to
    // run itself, and runs npm install (which would replace the e2e workspace's linked node_modules).
    const result = ws.nx(['migrate', '--run-migrations=migrations.json'], {
      NX_MIGRATE_USE_LOCAL: 'true',
      NX_MIGRATE_SKIP_INSTALL: 'true',
    });
    expect([result.code, result.code === 0 ? '' : result.output]).toEqual([0, '']);
    expect(JSON.parse(ws.read('apps/api/project.json')).targets['docker-multiarch'].outputs).toEqual([
      '{workspaceRoot}/dist/nx-crossbake/{projectRoot}/docker-multiarch',
    ]);
  });
});
