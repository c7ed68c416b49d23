import { addProjectConfiguration, logger, readJson, readNxJson, readProjectConfiguration, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { applyRenames, renamesMigration, type Renames } from './renames';

// A rename no release has made: the mechanism is tested on its own (see migrations.json for the real ones).
const RENAMES: Renames = { executor: 'nx-crossbake:multiarch', options: { 'keep-going': 'continue-on-error' }, targets: { 'docker-multiarch': 'image' } };

let tree: Tree;
beforeEach(() => {
  tree = createTreeWithEmptyWorkspace();
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  addProjectConfiguration(tree, 'api', {
    root: 'apps/api',
    targets: {
      'docker-multiarch': { executor: 'nx-crossbake:multiarch', options: { 'keep-going': false, push: true }, configurations: { ci: { 'keep-going': true } } },
      deploy: { executor: 'nx:run-commands', options: { 'keep-going': 'not ours' }, dependsOn: ['docker-multiarch', '^docker-multiarch', { target: 'docker-multiarch', projects: ['web'] }] },
    },
  });
  addProjectConfiguration(tree, 'web', { root: 'apps/web', targets: { 'docker-multiarch': { executor: 'other:executor', options: { 'keep-going': 1 } } } });
  updateNxJson(tree, {
    ...readNxJson(tree),
    targetDefaults: {
      'nx-crossbake:multiarch': { options: { 'keep-going': true } },
      'docker-multiarch': { dependsOn: ['build'] },
      'nx-release-publish': { dependsOn: ['^docker-multiarch'] },
    },
  });
});

describe('renames migrations', () => {
  it("renames our executor's options in options and configurations, and the target with the references to it", async () => {
    await renamesMigration(RENAMES)(tree);
    const api = readProjectConfiguration(tree, 'api').targets!;
    expect(Object.keys(api)).toEqual(['image', 'deploy']);
    expect(api.image.options).toEqual({ 'continue-on-error': false, push: true });
    expect(api.image.configurations).toEqual({ ci: { 'continue-on-error': true } });
    // Another executor's option of the same name is not ours.
    expect(api.deploy.options).toEqual({ 'keep-going': 'not ours' });
    expect(api.deploy.dependsOn).toEqual(['image', '^image', { target: 'image', projects: ['web'] }]);
  });

  it("leaves another executor's target of the old name as it is", async () => {
    await renamesMigration(RENAMES)(tree);
    expect(readProjectConfiguration(tree, 'web').targets).toEqual({ 'docker-multiarch': { executor: 'other:executor', options: { 'keep-going': 1 } } });
  });

  it("moves nx.json's targetDefaults along", async () => {
    await renamesMigration(RENAMES)(tree);
    expect(readJson(tree, 'nx.json').targetDefaults).toEqual({
      'nx-crossbake:multiarch': { options: { 'continue-on-error': true } },
      image: { dependsOn: ['build'] },
      'nx-release-publish': { dependsOn: ['^image'] },
    });
  });

  it('is idempotent: a second run changes nothing', async () => {
    await renamesMigration(RENAMES)(tree);
    const once = tree.listChanges().map((c) => [c.path, c.content?.toString()]);
    expect(applyRenames(tree, RENAMES)).toEqual([]);
    expect(tree.listChanges().map((c) => [c.path, c.content?.toString()])).toEqual(once);
  });

  it('keeps the new name where both are set, and says so', () => {
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const api = readProjectConfiguration(tree, 'api');
    api.targets!['docker-multiarch'].options['continue-on-error'] = true;
    addProjectConfiguration(tree, 'both', { root: 'apps/both', targets: { ...api.targets, image: { executor: 'nx-crossbake:multiarch' } } });
    applyRenames(tree, { ...RENAMES, targets: {} });
    expect(readProjectConfiguration(tree, 'both').targets!['docker-multiarch'].options).toEqual({ 'keep-going': false, push: true, 'continue-on-error': true });
    applyRenames(tree, RENAMES);
    expect(Object.keys(readProjectConfiguration(tree, 'both').targets!)).toContain('docker-multiarch');
    expect(warn.mock.calls.flat().join('\n')).toMatch(/both:docker-multiarch options sets both 'keep-going' \(renamed\) and 'continue-on-error'[\s\S]*both has both 'docker-multiarch' \(renamed\) and 'image'/);
  });
});

describe('migrations.json', () => {
  const manifest = require('../../migrations.json') as { generators: Record<string, { version: string; implementation: string; description: string }> };
  const pkg = require('../../package.json') as { 'nx-migrations'?: { migrations: string }; files: string[] };

  it('is what package.json points nx migrate to, and ships', () => {
    expect(pkg['nx-migrations']).toEqual({ migrations: './migrations.json' });
    expect(pkg.files).toContain('migrations.json');
  });

  it('names, for every entry, a migration built under dist/migrations/<its version>/', () => {
    expect(typeof manifest.generators).toBe('object');
    for (const entry of Object.values(manifest.generators)) {
      expect(entry.implementation).toMatch(new RegExp(`^\\./dist/migrations/${entry.version.replace(/\./g, '\\.')}/[\\w-]+$`));
      expect(() => require.resolve(entry.implementation.replace('./dist/', '../'))).not.toThrow();
    }
  });
});
