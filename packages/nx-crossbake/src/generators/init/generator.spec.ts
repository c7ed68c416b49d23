import { logger, readJson, readNxJson, updateNxJson, writeJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import initGenerator from './generator';

describe('init generator', () => {
  let tree: Tree;
  let warn: jest.SpyInstance;
  let info: jest.SpyInstance;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  const plugins = () => readNxJson(tree)?.plugins ?? [];
  const messages = (spy: jest.SpyInstance) => spy.mock.calls.map((c) => String(c[0])).join('\n');

  it('registers the plugin by name when no options are given', async () => {
    await initGenerator(tree, {});
    expect(plugins()).toEqual(['nx-crossbake']);
  });

  it('registers the object form with the registry and platforms given', async () => {
    await initGenerator(tree, { registry: 'ghcr.io/acme/', platforms: ['linux/amd64', 'linux/arm/v7'] });
    expect(plugins()).toEqual([
      { plugin: 'nx-crossbake', options: { registry: 'ghcr.io/acme', platforms: ['linux/amd64', 'linux/arm/v7'] } },
    ]);
  });

  it('does not register the plugin twice when run again', async () => {
    await initGenerator(tree, {});
    await initGenerator(tree, {});
    expect(plugins()).toEqual(['nx-crossbake']);
  });

  it('keeps an existing object entry untouched and warns about the options it did not write', async () => {
    const entry = { plugin: 'nx-crossbake', include: ['apps/**'], options: { registry: 'ghcr.io/old' } };
    updateNxJson(tree, { ...readNxJson(tree), plugins: ['@nx/js/typescript', entry] });
    await initGenerator(tree, { registry: 'ghcr.io/new' });
    expect(plugins()).toEqual(['@nx/js/typescript', entry]);
    expect(messages(warn)).toMatch(/registry.*not written/);
  });

  it('creates tools/docker/project.json, named docker, with the setup and affected targets', async () => {
    await initGenerator(tree, { builderDriver: 'docker', platforms: ['linux/amd64', 'linux/riscv64'] });
    const project = readJson(tree, 'tools/docker/project.json');
    expect(project.name).toBe('docker');
    expect(project.targets['docker-setup']).toMatchObject({
      executor: 'nx-crossbake:setup',
      options: { driver: 'docker', platforms: ['linux/amd64', 'linux/riscv64'] },
    });
    expect(project.targets['docker-affected']).toMatchObject({ executor: 'nx-crossbake:affected' });
    expect(messages(info)).toMatch(/added 'docker-setup' and 'docker-affected' to tools\/docker\/project.json/);
  });

  it('defaults to the docker-container driver and linux/amd64 + linux/arm64', async () => {
    await initGenerator(tree, {});
    expect(readJson(tree, 'tools/docker/project.json').targets['docker-setup'].options).toEqual({
      driver: 'docker-container',
      platforms: ['linux/amd64', 'linux/arm64'],
    });
  });

  it('adds the targets to a root project.json when there is one, and creates no docker project', async () => {
    writeJson(tree, 'project.json', { name: 'root', targets: { build: { executor: 'nx:noop' } } });
    await initGenerator(tree, {});
    expect(Object.keys(readJson(tree, 'project.json').targets)).toEqual(['build', 'docker-setup', 'docker-affected']);
    expect(tree.exists('tools/docker/project.json')).toBe(false);
  });

  it('never overwrites a target of the same name, and says so', async () => {
    const mine = { executor: 'nx:run-commands', options: { command: 'docker buildx create --use' } };
    writeJson(tree, 'project.json', { name: 'root', targets: { 'docker-setup': mine } });
    await initGenerator(tree, { builderDriver: 'docker' });
    const targets = readJson(tree, 'project.json').targets;
    expect(targets['docker-setup']).toEqual(mine);
    expect(targets['docker-affected']).toBeDefined();
    expect(messages(warn)).toMatch(/project.json already has a target 'docker-setup': left as it is/);
  });

  it('runs again without changing anything it made', async () => {
    await initGenerator(tree, { registry: 'ghcr.io/acme' });
    const before = ['nx.json', 'tools/docker/project.json', '.gitignore', '.dockerignore'].map((f) => tree.read(f, 'utf-8'));
    await initGenerator(tree, { registry: 'ghcr.io/acme' });
    expect(['nx.json', 'tools/docker/project.json', '.gitignore', '.dockerignore'].map((f) => tree.read(f, 'utf-8'))).toEqual(before);
  });

  it('refuses, changing nothing, when another project is already named docker', async () => {
    writeJson(tree, 'libs/docker/project.json', { name: 'docker' });
    const nxJson = tree.read('nx.json', 'utf-8');
    await expect(initGenerator(tree, {})).rejects.toThrow(/project named 'docker' exists at 'libs\/docker'/);
    expect(tree.read('nx.json', 'utf-8')).toBe(nxJson);
  });

  it('ignores tmp/nx-crossbake and dist/nx-crossbake once, keeping the rest of .gitignore', async () => {
    tree.write('.gitignore', 'node_modules\n/dist\n');
    await initGenerator(tree, {});
    await initGenerator(tree, {});
    const text = tree.read('.gitignore', 'utf-8')!;
    expect(text.startsWith('node_modules\n/dist\n')).toBe(true);
    expect(text.match(/tmp\/nx-crossbake/g)).toHaveLength(1);
    expect(text).not.toMatch(/^dist\/nx-crossbake$/m); // /dist covers it already
  });

  it('creates .gitignore when there is none', async () => {
    tree.delete('.gitignore');
    await initGenerator(tree, {});
    expect(tree.read('.gitignore', 'utf-8')).toMatch(/^tmp\/nx-crossbake\ndist\/nx-crossbake\n$/m);
  });

  it('completes the root .dockerignore for root build contexts, once, keeping what it had', async () => {
    tree.write('.dockerignore', 'node_modules\n.git\n');
    await initGenerator(tree, {});
    await initGenerator(tree, {});
    const text = tree.read('.dockerignore', 'utf-8')!;
    expect(text.startsWith('node_modules\n.git\n')).toBe(true);
    expect(text.split('\n').filter((l) => !l.startsWith('#') && l !== '')).toEqual([
      'node_modules',
      '.git',
      '.nx',
      'tmp',
      'dist/nx-crossbake',
    ]);
    expect(messages(info)).toMatch(/.dockerignore now excludes .nx, tmp, dist\/nx-crossbake/);
  });

  it.each([
    [{ platforms: ['linux/armv7'] }, /unknown architecture 'armv7'.*linux\/arm\/v7/],
    [{ registry: 'GHCR.io/Acme' }, /--registry/],
    [{ platforms: [] as string[] }, /no platforms/],
  ])('rejects %j before changing anything', async (options, message) => {
    await expect(initGenerator(tree, options)).rejects.toThrow(message);
    expect(tree.exists('tools/docker/project.json')).toBe(false);
  });
});
