import {
  addProjectConfiguration,
  logger,
  readNxJson,
  readProjectConfiguration,
  updateJson,
  updateNxJson,
  writeJson,
  type Tree,
} from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { normalizeOptions } from '../../lib/options/normalize';
import type { MultiarchExecutorSchema } from '../../lib/options/schemas/multiarch';
import configurationGenerator from './generator';

describe('configuration generator', () => {
  let tree: Tree;
  let warn: jest.SpyInstance;
  let info: jest.SpyInstance;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    addProjectConfiguration(tree, '@acme/api', { root: 'apps/api', targets: { build: { executor: 'nx:noop' } } });
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  const targets = () => readProjectConfiguration(tree, '@acme/api').targets!;
  const messages = (spy: jest.SpyInstance) => spy.mock.calls.map((c) => String(c[0])).join('\n');

  it('adds a docker-multiarch target with the default platforms and a sanitized image name, keeping the other targets', async () => {
    await configurationGenerator(tree, { project: '@acme/api' });
    expect(targets().build).toEqual({ executor: 'nx:noop' });
    expect(targets()['docker-multiarch']).toMatchObject({
      executor: 'nx-crossbake:multiarch',
      // The images it is built FROM are dependencies: `^` makes Nx 24's affected reach it when they change.
      inputs: ['{projectRoot}/**/*', '^{projectRoot}/**/*'],
      outputs: ['{workspaceRoot}/dist/nx-crossbake/{projectRoot}/docker-multiarch'],
      options: { platforms: ['linux/amd64', 'linux/arm64'], tags: ['acme-api:latest'], push: false, outputs: ['type=cacheonly'] },
    });
  });

  it('writes options the multiarch executor accepts', async () => {
    await configurationGenerator(tree, { project: '@acme/api', registry: 'ghcr.io/acme', push: true });
    const options = targets()['docker-multiarch'].options as MultiarchExecutorSchema;
    expect(normalizeOptions(options, { name: '@acme/api', root: 'apps/api' })).toMatchObject({
      tags: ['ghcr.io/acme/acme-api:latest'],
      push: true,
      outputs: [],
    });
  });

  it('honours targetName, image and platforms', async () => {
    await configurationGenerator(tree, {
      project: '@acme/api',
      targetName: 'image',
      image: 'registry.example.com/api:edge',
      platforms: ['linux/arm/v7'],
    });
    expect(targets().image.options).toMatchObject({ platforms: ['linux/arm/v7'], tags: ['registry.example.com/api:edge'] });
    expect(targets()['docker-multiarch']).toBeUndefined();
  });

  it("names the image under the registry of the plugin's nx.json entry", async () => {
    updateNxJson(tree, {
      ...readNxJson(tree),
      plugins: [{ plugin: 'nx-crossbake', options: { registry: 'ghcr.io/acme', platforms: ['linux/amd64'] } }],
    });
    await configurationGenerator(tree, { project: '@acme/api' });
    expect(targets()['docker-multiarch'].options).toMatchObject({ tags: ['ghcr.io/acme/acme-api:latest'], platforms: ['linux/amd64'] });
    expect(messages(info)).not.toMatch(/not registered/);
  });

  it('refuses to overwrite an existing target, naming it, and changes nothing', async () => {
    await configurationGenerator(tree, { project: '@acme/api' });
    const before = tree.read('apps/api/project.json', 'utf-8');
    await expect(configurationGenerator(tree, { project: '@acme/api', push: true })).rejects.toThrow(
      "project '@acme/api' already has a target 'docker-multiarch' (executor nx-crossbake:multiarch): nothing was changed",
    );
    expect(tree.read('apps/api/project.json', 'utf-8')).toBe(before);
  });

  it('says which project it cannot find', async () => {
    await expect(configurationGenerator(tree, { project: 'nope' })).rejects.toThrow(/no project 'nope'/);
  });

  it('edits a project defined by its package.json (an npm workspace)', async () => {
    updateJson(tree, 'package.json', (json) => ({ ...json, workspaces: ['packages/*'] }));
    writeJson(tree, 'packages/web/package.json', { name: 'web', version: '1.0.0' });
    await configurationGenerator(tree, { project: 'web' });
    expect(readProjectConfiguration(tree, 'web').targets?.['docker-multiarch']).toMatchObject({ executor: 'nx-crossbake:multiarch' });
  });

  it.each([
    ['node', /FROM --platform=\$BUILDPLATFORM node:/],
    ['go', /CGO_ENABLED=0 GOOS="\$TARGETOS" GOARCH="\$TARGETARCH"/],
  ] as const)('scaffolds a cross-compiling %s Dockerfile and a .dockerignore', async (kind, content) => {
    await configurationGenerator(tree, { project: '@acme/api', dockerfile: kind });
    expect(tree.read('apps/api/Dockerfile', 'utf-8')).toMatch(content);
    expect(tree.exists('apps/api/.dockerignore')).toBe(true);
    expect(messages(warn)).toBe('');
  });

  it('never overwrites an existing Dockerfile, and says so', async () => {
    tree.write('apps/api/Dockerfile', 'FROM busybox\n');
    await configurationGenerator(tree, { project: '@acme/api', dockerfile: 'node' });
    expect(tree.read('apps/api/Dockerfile', 'utf-8')).toBe('FROM busybox\n');
    expect(messages(warn)).toMatch(/apps\/api\/Dockerfile exists: left as it is/);
    expect(targets()['docker-multiarch']).toBeDefined();
  });

  it('writes no files by default and warns when the project has no Dockerfile yet', async () => {
    await configurationGenerator(tree, { project: '@acme/api' });
    expect(tree.exists('apps/api/Dockerfile')).toBe(false);
    expect(messages(warn)).toMatch(/no apps\/api\/Dockerfile yet/);
  });

  it('suggests init when the plugin is not registered', async () => {
    await configurationGenerator(tree, { project: '@acme/api' });
    expect(messages(info)).toMatch(/nx g nx-crossbake:init/);
  });
});
