import { addProjectConfiguration, logger, readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import perTargetReportOutputs, { PROJECT_REPORT_OUTPUT } from './0.2.0/per-target-report-outputs';

const readJson = (file: string): unknown => JSON.parse(readFileSync(join(__dirname, '../..', file), 'utf8'));

describe('migrations.json', () => {
  const manifest = readJson('migrations.json') as {
    generators: Record<string, { version: string; implementation: string; description: string }>;
  };
  const pkg = readJson('package.json') as { version: string; 'nx-migrations'?: { migrations: string }; files: string[] };

  it('is what package.json points nx migrate to, and ships', () => {
    expect(pkg['nx-migrations']).toEqual({ migrations: './migrations.json' });
    expect(pkg.files).toContain('migrations.json');
  });

  it('names, for every entry, a migration of a version up to this package’s, under dist/migrations/<version>/', () => {
    const entries = Object.values(manifest.generators);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(entry.implementation).toMatch(new RegExp(`^\\./dist/migrations/${entry.version.replace(/\./g, '\\.')}/[\\w-]+$`));
      expect(() => require.resolve(entry.implementation.replace('./dist/', '../'))).not.toThrow();
      // nx migrate runs a migration only when the installed version reaches it.
      expect(entry.version.localeCompare(pkg.version, undefined, { numeric: true })).toBeLessThanOrEqual(0);
    }
  });
});

describe('0.2.0: per-target report outputs', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    addProjectConfiguration(tree, 'api', {
      root: 'apps/api',
      targets: {
        'docker-multiarch': { executor: 'nx-crossbake:multiarch', outputs: [PROJECT_REPORT_OUTPUT] },
        'docker-multiarch-debug': { executor: 'nx-crossbake:multiarch', outputs: [PROJECT_REPORT_OUTPUT, '{workspaceRoot}/digests'] },
        build: { executor: 'nx:run-commands', outputs: [PROJECT_REPORT_OUTPUT] },
      },
    });
    addProjectConfiguration(tree, 'web', {
      root: 'apps/web',
      targets: { image: { executor: 'nx-crossbake:multiarch', outputs: ['{workspaceRoot}/custom'] } },
    });
  });

  it("gives each multiarch target its own folder, keeps the user's other outputs and other executors' targets", async () => {
    await perTargetReportOutputs(tree);
    const api = readProjectConfiguration(tree, 'api').targets!;
    expect(api['docker-multiarch'].outputs).toEqual(['{workspaceRoot}/dist/nx-crossbake/{projectRoot}/docker-multiarch']);
    expect(api['docker-multiarch-debug'].outputs).toEqual([
      '{workspaceRoot}/dist/nx-crossbake/{projectRoot}/docker-multiarch-debug',
      '{workspaceRoot}/digests',
    ]);
    expect(api.build.outputs).toEqual([PROJECT_REPORT_OUTPUT]);
    expect(readProjectConfiguration(tree, 'web').targets!.image.outputs).toEqual(['{workspaceRoot}/custom']);
  });

  it('is idempotent', async () => {
    await perTargetReportOutputs(tree);
    const once = tree.read('apps/api/project.json', 'utf-8');
    await perTargetReportOutputs(tree);
    expect(tree.read('apps/api/project.json', 'utf-8')).toBe(once);
  });
});
