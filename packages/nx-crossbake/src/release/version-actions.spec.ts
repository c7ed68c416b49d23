import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import ImageVersionActions from './version-actions';

const actionsFor = (root: string) =>
  new ImageVersionActions({ name: '__default__' } as never, { name: 'api', type: 'app', data: { root } } as never, {} as never);

describe('ImageVersionActions', () => {
  it("reads the version from the project's package.json and writes the new one there", async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('apps/api/package.json', JSON.stringify({ name: 'api', version: '1.2.3', private: true }));
    const actions = actionsFor('apps/api');
    expect(await actions.readCurrentVersionFromSourceManifest(tree)).toEqual({
      currentVersion: '1.2.3',
      manifestPath: 'apps/api/package.json',
    });
    const log = await actions.updateProjectVersion(tree, '1.3.0');
    expect(JSON.parse(tree.read('apps/api/package.json', 'utf-8')!)).toEqual({ name: 'api', version: '1.3.0', private: true });
    expect(log[0]).toContain('1.3.0');
  });

  it('has no version without a package.json, and creates one when versioning', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const actions = actionsFor('apps/web');
    expect(await actions.readCurrentVersionFromSourceManifest(tree)).toBeNull();
    await actions.updateProjectVersion(tree, '0.1.0');
    expect(JSON.parse(tree.read('apps/web/package.json', 'utf-8')!)).toEqual({ name: 'api', version: '0.1.0' });
  });

  it('reads nothing from a registry and updates no dependencies', async () => {
    const actions = actionsFor('apps/api');
    expect(await actions.readCurrentVersionFromRegistry()).toBeNull();
    expect(await actions.updateProjectDependencies()).toEqual([]);
  });
});
