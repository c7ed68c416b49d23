import { addProjectConfiguration, logger, readNxJson, readProjectConfiguration, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { normalizeOptions } from '../../lib/options/normalize';
import fromNxContainerGenerator, { convertFromNxContainer } from './generator';

const NX_CONTAINER = '@nx-tools/nx-container:build';

describe('from-nx-container generator', () => {
  let tree: Tree;
  let warn: jest.SpyInstance;
  let info: jest.SpyInstance;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    addProjectConfiguration(tree, 'api', {
      root: 'apps/api',
      targets: {
        build: { executor: 'nx:noop' },
        container: {
          executor: NX_CONTAINER,
          dependsOn: ['build'],
          options: {
            engine: 'docker',
            file: 'apps/api/Dockerfile',
            platforms: ['linux/amd64', 'linux/arm64'],
            'cache-from': 'ghcr.io/acme/api:cache',
            network: 'host',
            metadata: { images: ['ghcr.io/acme/api'], tags: ['type=raw,value=latest', 'type=sha', 'type=semver,pattern={{version}}'] },
          },
          configurations: { ci: { push: true, 'shm-size': '2g' } },
        },
        other: { executor: 'nx:noop' },
      },
    });
    addProjectConfiguration(tree, 'web', {
      root: 'apps/web',
      targets: { docker: { executor: NX_CONTAINER, options: { context: 'apps/web', push: true, tags: ['ghcr.io/acme/web:1'] } } },
    });
    addProjectConfiguration(tree, 'lib', { root: 'libs/lib', targets: { build: { executor: 'nx:noop' } } });
  });
  afterEach(() => jest.restoreAllMocks());

  const targets = (project: string) => readProjectConfiguration(tree, project).targets!;
  const messages = (spy: jest.SpyInstance) => spy.mock.calls.map((c) => String(c[0])).join('\n');

  it('converts every nx-container target of every project', async () => {
    await fromNxContainerGenerator(tree, {});
    expect(targets('api').container.executor).toBe('nx-crossbake:multiarch');
    expect(targets('web').docker.executor).toBe('nx-crossbake:multiarch');
    expect(targets('lib')).toEqual({ build: { executor: 'nx:noop' } });
  });

  it('maps the options and configurations, keeping the rest of the target', async () => {
    await fromNxContainerGenerator(tree, {});
    expect(targets('api').container).toEqual({
      executor: 'nx-crossbake:multiarch',
      dependsOn: ['build'],
      outputs: ['{workspaceRoot}/dist/nx-crossbake/{projectRoot}/container'],
      options: {
        file: 'apps/api/Dockerfile',
        platforms: ['linux/amd64', 'linux/arm64'],
        'cache-from': ['ghcr.io/acme/api:cache'],
        tags: ['ghcr.io/acme/api:latest', 'ghcr.io/acme/api:sha-{shortSha}'],
        labels: [],
        context: '.',
        outputs: ['type=cacheonly'],
      },
      configurations: { ci: { push: true, outputs: [] } },
    });
  });

  it('writes targets the multiarch executor accepts, in every configuration', async () => {
    await fromNxContainerGenerator(tree, {});
    // A commit on a branch, for the templates the metadata tags became ({shortSha}).
    const facts = {
      env: {},
      git: { sha: '860c1904a1ce19322e91ac35af1ab07466440c37', branch: 'feature/Login' },
      defaultBranch: 'main',
      now: new Date(),
    };
    const { options, configurations } = targets('api').container;
    for (const merged of [options, { ...options, ...configurations!.ci }]) {
      expect(normalizeOptions(merged, { name: 'api', root: 'apps/api' }, facts).tags).toEqual([
        'ghcr.io/acme/api:latest',
        'ghcr.io/acme/api:sha-860c190',
      ]);
    }
  });

  it('keeps each original, unchanged, right after the converted target', async () => {
    const original = structuredClone(targets('api').container);
    await fromNxContainerGenerator(tree, {});
    expect(Object.keys(targets('api'))).toEqual(['build', 'container', 'container-nx-container', 'other']);
    expect(targets('api')['container-nx-container']).toEqual(original);
  });

  it('warns about every option not carried over and writes them to the report', async () => {
    await fromNxContainerGenerator(tree, {});
    const warned = messages(warn);
    expect(warned).toMatch(/api:container: 'network' \(options\) not carried over/);
    expect(warned).toMatch(/api:container: 'shm-size' \(configurations\.ci\) not carried over/);
    expect(warned).toMatch(
      /api:container: 'metadata\.tags' \(options\) not carried over: 'type=semver,pattern=\{\{version\}\}': type=semver tags only git tag builds/,
    );
    const report = tree.read('tmp/nx-crossbake/from-nx-container-report.md', 'utf-8')!;
    expect(report).toContain('| options | `network` |');
    expect(report).toContain('| configurations.ci | `shm-size` |');
    expect(report).toContain('## web:docker');
    expect(messages(info)).toMatch(/report written to tmp\/nx-crossbake\/from-nx-container-report\.md/);
  });

  it('returns a summary of what it did', () => {
    const summary = convertFromNxContainer(tree, {});
    expect(summary.converted.map((c) => `${c.project}:${c.target}`)).toEqual(['api:container', 'web:docker']);
    expect(summary.converted[1].unsupported).toEqual([]);
    expect(summary.skipped).toEqual([]);
  });

  it('converts one project only with --project', async () => {
    await fromNxContainerGenerator(tree, { project: 'web' });
    expect(targets('web').docker.executor).toBe('nx-crossbake:multiarch');
    expect(targets('api').container.executor).toBe(NX_CONTAINER);
  });

  it('changes nothing the second time: the kept originals are not converted again', async () => {
    await fromNxContainerGenerator(tree, {});
    const before = [tree.read('apps/api/project.json', 'utf-8'), tree.read('apps/web/project.json', 'utf-8')];
    const summary = convertFromNxContainer(tree, {});
    expect(summary).toEqual({ converted: [], skipped: [], warnings: [] });
    expect([tree.read('apps/api/project.json', 'utf-8'), tree.read('apps/web/project.json', 'utf-8')]).toEqual(before);
  });

  it('leaves a target alone when its backup name is taken, and says so', async () => {
    addProjectConfiguration(tree, 'svc', {
      root: 'apps/svc',
      targets: {
        image: { executor: NX_CONTAINER, options: { push: true, tags: ['a/b:1'] } },
        'image-nx-container': { executor: 'nx:noop' },
      },
    });
    await fromNxContainerGenerator(tree, { project: 'svc' });
    expect(targets('svc').image.executor).toBe(NX_CONTAINER);
    expect(messages(warn)).toMatch(/svc:image not converted: a target 'image-nx-container' exists already/);
  });

  it('writes targetDefaults of the nx-container executor into the converted target', async () => {
    updateNxJson(tree, { ...readNxJson(tree), targetDefaults: { [NX_CONTAINER]: { options: { push: true } } } });
    await fromNxContainerGenerator(tree, { project: 'api' });
    expect(targets('api').container.options).toMatchObject({ push: true });
    expect(targets('api').container.options).not.toHaveProperty('outputs');
    expect(targets('api')['container-nx-container'].options).not.toHaveProperty('push');
  });

  it('warns when the nx-container plugin infers targets it cannot convert', async () => {
    updateNxJson(tree, { ...readNxJson(tree), plugins: [{ plugin: '@nx-tools/nx-container', options: {} }] });
    await fromNxContainerGenerator(tree, { project: 'lib' });
    expect(messages(warn)).toMatch(/registers the @nx-tools\/nx-container plugin/);
  });

  it('says so and writes no report when there is nothing to convert', async () => {
    await fromNxContainerGenerator(tree, { project: 'lib' });
    expect(tree.exists('tmp/nx-crossbake/from-nx-container-report.md')).toBe(false);
    expect(messages(info)).toMatch(/no @nx-tools\/nx-container:build target found in lib: nothing changed/);
  });
});
