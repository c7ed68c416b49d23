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

  describe('the build context', () => {
    // A NestJS service's Dockerfile written for the workspace root, as docker-compose files and Nx's Node docs do.
    const ROOT_DOCKERFILE = [
      'FROM node:20 AS build',
      'WORKDIR /app',
      'COPY package.json package-lock.json ./',
      'RUN npm ci',
      'COPY apps/api ./apps/api',
      'RUN npx nx build api',
      'FROM node:20-slim',
      'COPY --from=build /app/dist/apps/api ./',
    ].join('\n');
    const target = () => targets()['docker-multiarch'];

    beforeEach(() => tree.write('package-lock.json', '{}'));

    it('is the workspace root for a Dockerfile that copies root files, with those files, nx.json and tsconfig in its inputs (the project once)', async () => {
      tree.write('apps/api/Dockerfile', ROOT_DOCKERFILE);
      await configurationGenerator(tree, { project: '@acme/api' });
      expect(target().options).toMatchObject({ context: '.' });
      expect(target().inputs).toEqual([
        '{projectRoot}/**/*',
        '^{projectRoot}/**/*',
        '{workspaceRoot}/package.json',
        '{workspaceRoot}/package-lock.json',
        '{workspaceRoot}/nx.json',
        '{workspaceRoot}/tsconfig.base.json',
      ]);
      expect(messages(info)).toContain(
        "it builds from the context '.' (apps/api/Dockerfile copies package.json, package-lock.json, apps/api from the workspace root)",
      );
      // The root's .dockerignore keeps Nx's cache and the plugin's reports out of the context.
      expect(tree.read('.dockerignore', 'utf-8')).toContain('.nx\n');
      // The file stays the project's: the executor's default.
      expect(target().options).not.toHaveProperty('file');
    });

    it('is the workspace root for a Dockerfile that runs nx, though every file it copies is in the project', async () => {
      tree.write('apps/api/Dockerfile', 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npx nx build api\n');
      await configurationGenerator(tree, { project: '@acme/api' });
      expect(target().options).toMatchObject({ context: '.' });
      expect(messages(info)).toContain('(apps/api/Dockerfile runs nx, which needs the workspace root)');
    });

    it.each(['./nx run api:build', 'npx --yes nx build api', 'pnpm exec nx build api'])(
      'reads `%s` as nx, as the emulation advisor does',
      async (command) => {
        tree.write('apps/api/Dockerfile', `FROM node:20\nWORKDIR /app\nCOPY . .\nRUN ${command}\n`);
        await configurationGenerator(tree, { project: '@acme/api' });
        expect(target().options).toMatchObject({ context: '.' });
      },
    );

    it("is left to the executor's default, the project folder, for a Dockerfile that copies only the project's files", async () => {
      tree.write('apps/api/Dockerfile', 'FROM node:20\nCOPY package.json main.js ./\n');
      tree.write('apps/api/package.json', '{}');
      tree.write('apps/api/main.js', '');
      await configurationGenerator(tree, { project: '@acme/api' });
      expect(target().options).not.toHaveProperty('context');
      expect(target().inputs).toEqual(['{projectRoot}/**/*', '^{projectRoot}/**/*']);
      expect(tree.exists('.dockerignore')).toBe(false);
    });

    it('is --context when given, checked against what the Dockerfile copies', async () => {
      tree.write('apps/api/Dockerfile', ROOT_DOCKERFILE);
      await expect(configurationGenerator(tree, { project: '@acme/api', context: 'apps/api' })).rejects.toThrow(
        "apps/api/Dockerfile copies package.json, package-lock.json, apps/api, which --context 'apps/api' does not have; '.' does",
      );
      await expect(configurationGenerator(tree, { project: '@acme/api', context: '../elsewhere' })).rejects.toThrow(
        "--context '../elsewhere' must be a folder of the workspace, relative to its root (e.g. '.')",
      );
      await expect(configurationGenerator(tree, { project: '@acme/api', context: 'docker' })).rejects.toThrow(
        "--context 'docker' is not a folder of the workspace",
      );
      expect(targets()).not.toHaveProperty('docker-multiarch');
      await configurationGenerator(tree, { project: '@acme/api', context: './' });
      expect(target().options).toMatchObject({ context: '.' });
    });

    it('takes a folder outside the project as the files it reads', async () => {
      tree.write('docker/api/Dockerfile.part', '');
      await configurationGenerator(tree, { project: '@acme/api', context: 'docker' });
      expect(target().options).toMatchObject({ context: 'docker' });
      expect(target().inputs).toEqual(['{projectRoot}/**/*', '^{projectRoot}/**/*', '{workspaceRoot}/docker/**/*']);
    });
  });
});
