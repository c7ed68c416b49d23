import type { TargetConfiguration } from '@nx/devkit';
import { normalizeOptions } from '../../lib/options/normalize';
import { MULTIARCH_OPTIONS } from './convert-options';
import { convertTarget as convertWith } from './convert-target';

const nxContainer = (target: Partial<TargetConfiguration>): TargetConfiguration => ({
  executor: '@nx-tools/nx-container:build',
  ...target,
});
// Most cases are about options both executors have; the per-project cache is tested on its own below.
const { cache: _cache, ...withoutCache } = MULTIARCH_OPTIONS;
// Converted in place, so the target keeps its name: `container`.
const convertTarget = (target: TargetConfiguration, context: Parameters<typeof convertWith>[2] = {}) =>
  convertWith(target, 'container', { multiarchOptions: withoutCache, ...context });

describe('convertTarget', () => {
  it('changes the executor, keeps the rest of the target and declares the report output', () => {
    const { target } = convertTarget(
      nxContainer({
        dependsOn: ['build'],
        inputs: ['production'],
        cache: false,
        outputs: ['{workspaceRoot}/x'],
        options: { push: true, tags: ['a/b:1'] },
      }),
    );
    expect(target).toEqual({
      executor: 'nx-crossbake:multiarch',
      dependsOn: ['build'],
      inputs: ['production'],
      cache: false,
      outputs: ['{workspaceRoot}/x', '{workspaceRoot}/dist/nx-crossbake/{projectRoot}/container'],
      options: { push: true, tags: ['a/b:1'], context: '.' },
    });
  });

  it("writes nx-container's default context, the workspace root, and notes the platform change", () => {
    const { target, notes } = convertTarget(nxContainer({ options: { push: true, tags: ['a/b:1'] } }));
    expect(target.options.context).toBe('.');
    expect(notes.join('\n')).toMatch(/context '\.' written/);
    expect(notes.join('\n')).toMatch(/no platforms/);
  });

  it('keeps a context that is set', () => {
    expect(convertTarget(nxContainer({ options: { context: 'apps/api', push: true, tags: ['a/b:1'] } })).target.options.context).toBe(
      'apps/api',
    );
  });

  it('converts every configuration and says where each unsupported option was found', () => {
    const { target, unsupported } = convertTarget(
      nxContainer({
        options: { tags: ['a/b:dev'], network: 'host' },
        configurations: { production: { push: true, tags: ['a/b:1'], 'shm-size': '2g' }, local: { load: true } },
        defaultConfiguration: 'local',
      }),
    );
    expect(target.configurations).toEqual({ production: { push: true, tags: ['a/b:1'], outputs: [] }, local: { load: true, outputs: [] } });
    expect(target.defaultConfiguration).toBe('local');
    expect(unsupported).toEqual([
      { option: 'network', reason: expect.any(String), where: 'options' },
      { option: 'shm-size', reason: expect.any(String), where: 'configurations.production' },
    ]);
  });

  it('builds into the cache only when nothing was pushed, loaded or exported, as nx-container left it', () => {
    const { target } = convertTarget(nxContainer({ options: { tags: ['a/b:1'] } }));
    expect(target.options.outputs).toEqual(['type=cacheonly']);
  });

  it('writes executor-keyed targetDefaults into the target, since they stop applying', () => {
    const { target, notes } = convertTarget(nxContainer({ options: { tags: ['a/b:1'] }, configurations: { ci: { push: false } } }), {
      stopsApplying: {
        key: '@nx-tools/nx-container:build',
        defaults: {
          dependsOn: ['build'],
          options: { push: true, platforms: ['linux/arm64'], tags: ['x/y:default'] },
          configurations: { ci: { load: true }, production: { 'no-cache': true } },
        },
      },
    });
    expect(target.dependsOn).toEqual(['build']);
    expect(target.options).toMatchObject({ push: true, platforms: ['linux/arm64'], tags: ['a/b:1'] });
    expect(target.configurations).toEqual({ ci: { load: true, push: false }, production: { 'no-cache': true } });
    expect(notes[0]).toMatch(/targetDefaults\['@nx-tools\/nx-container:build'\] written into the target/);
  });

  it("ignores a configuration's tags when the options take tags from metadata", () => {
    const { target } = convertTarget(
      nxContainer({
        options: { push: true, metadata: { images: ['ghcr.io/acme/api'], tags: ['type=raw,value=edge'] } },
        configurations: { production: { tags: ['ghcr.io/acme/api:prod'] } },
      }),
    );
    expect(target.options.tags).toEqual(['ghcr.io/acme/api:edge']);
    expect(target.configurations?.production).toEqual({});
  });

  it("turns nx-crossbake's per-project cache off when nx-container named no cache, if the executor has one", () => {
    const withCache = { ...withoutCache, cache: { type: 'string' } };
    const pushed = nxContainer({ options: { push: true, tags: ['a/b:1'] } });
    expect(convertTarget(pushed, { multiarchOptions: withCache }).target.options.cache).toBe('none');
    expect(convertTarget(pushed).target.options).not.toHaveProperty('cache');
    const cached = nxContainer({ options: { push: true, tags: ['a/b:1'], 'cache-to': ['type=inline'] } });
    expect(convertTarget(cached, { multiarchOptions: withCache }).target.options).not.toHaveProperty('cache');
  });

  it.each([
    [
      {
        push: true,
        tags: ['ghcr.io/acme/api:1'],
        platforms: ['linux/amd64'],
        'cache-from': 'ghcr.io/acme/api:cache',
        builder: 'ci',
        engine: 'docker',
        quiet: true,
      },
    ],
    [{ tags: ['ghcr.io/acme/api:1'], metadata: { images: ['ghcr.io/acme/api'], tags: ['type=sha'] } }],
    [{}],
  ])('produces options the multiarch executor accepts: %j', (options) => {
    const { target } = convertWith(nxContainer({ options }), 'container');
    // A commit on a branch, for the templates metadata tags become ({shortSha}).
    const facts = {
      env: {},
      git: { sha: '860c1904a1ce19322e91ac35af1ab07466440c37', branch: 'feature/Login' },
      defaultBranch: 'main',
      now: new Date(),
    };
    expect(() => normalizeOptions(target.options, { name: 'api', root: 'apps/api' }, facts)).not.toThrow();
  });
});
