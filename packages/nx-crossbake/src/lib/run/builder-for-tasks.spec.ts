import type { BinfmtEntry } from '../builder/emulation';
import { DockerCli } from '../docker/docker-cli';
import { memoryStateStore } from '../core/state-file';
import type { ServiceOptions } from '../options/service-options';
import { fakeDocker, inspectText, makeWorkspace } from '../../../test-support/fake-docker';
import { builderForTasks, unavailablePlatformProblems } from './builder-for-tasks';

// Only what builderForTasks reads of a project's options.
const service = (id: string, platforms: string[], setup = true) => ({ id, platforms, setup }) as ServiceOptions;

function resolve(docker: ReturnType<typeof fakeDocker>, services: ServiceOptions[], readOnly = false) {
  return builderForTasks(
    new DockerCli(docker.exec),
    { builder: 'nx-crossbake', services, setupOptionsFor: () => ({ driver: 'docker', platforms: ['linux/amd64'] }), readOnly },
    { workspaceRoot: makeWorkspace([]), log: () => undefined, native: ['linux/amd64'], readBinfmt: () => [] },
  );
}

describe('builderForTasks', () => {
  it('returns the builder with the platforms it cannot build, instead of failing every project', async () => {
    const docker = fakeDocker({ servedPlatforms: ['linux/amd64', 'linux/arm64'] });
    const { ref, unavailable } = await resolve(docker, [
      service('api:docker-multiarch', ['linux/amd64', 'linux/s390x']),
      service('web:docker-multiarch', ['linux/arm64']),
    ]);
    expect(ref).toEqual({ name: 'nx-crossbake', isContext: true });
    expect([...unavailable.keys()]).toEqual(['linux/s390x']);
    expect(unavailable.get('linux/s390x')).toContain("builder 'nx-crossbake' cannot build linux/s390x");
  });

  it("takes the projects' platforms as they are: one the setup options would refuse costs only that platform", async () => {
    const docker = fakeDocker({ servedPlatforms: ['linux/amd64'] });
    const { unavailable } = await resolve(docker, [service('old:docker-multiarch', ['linux/amd64', 'linux/sparc64'])]);
    expect([...unavailable.keys()]).toEqual(['linux/sparc64']);
  });

  it('still throws when the builder itself cannot be made', async () => {
    const docker = fakeDocker({ createFails: 'ERROR: permission denied' });
    await expect(resolve(docker, [service('api:docker-multiarch', ['linux/amd64'])])).rejects.toThrow('ERROR: permission denied');
  });

  it('checks nothing when every project says setup: false, and changes nothing', async () => {
    const docker = fakeDocker({ builders: { 'nx-crossbake': inspectText('nx-crossbake', 'docker-container', ['linux/amd64']) } });
    const resolved = await resolve(docker, [service('api:docker-multiarch', ['linux/s390x'], false)]);
    expect(resolved).toEqual({
      ref: { name: 'nx-crossbake', isContext: false },
      unavailable: new Map(),
      hint: { builder: 'nx-crossbake', driver: 'docker-container', reachesHostLoopback: false },
    });
    expect(docker.calls.map((c) => c.join(' '))).toEqual(['buildx inspect nx-crossbake']);
  });

  it('says how a builder not created yet will be reached when only looking (print)', async () => {
    const docker = fakeDocker();
    const resolved = await resolve(docker, [service('api:docker-multiarch', ['linux/s390x'])], true);
    expect(resolved).toEqual({
      ref: { name: 'nx-crossbake', isContext: true },
      unavailable: new Map(),
      hint: { builder: 'nx-crossbake', driver: 'docker', reachesHostLoopback: true },
    });
  });
});

describe('builderForTasks and the workspace', () => {
  const environment = {
    workspaceRoot: makeWorkspace([]),
    log: () => undefined,
    native: ['linux/amd64', 'linux/arm64', 'linux/arm'],
    readBinfmt: () => [],
  };

  it("uses a builder no setup target configures as it is: the engine's default builder gets no drift warning", async () => {
    const logs: string[] = [];
    const docker = fakeDocker({ builders: { default: inspectText('default', 'docker', ['linux/amd64', 'linux/arm64']) } });
    const resolved = await builderForTasks(
      new DockerCli(docker.exec),
      {
        builder: 'default',
        services: [service('api:docker-multiarch', ['linux/amd64', 'linux/arm/v7'])],
        setupOptionsFor: () => undefined,
        readOnly: false,
      },
      { ...environment, log: (m) => logs.push(m) },
    );
    expect(logs.join('\n')).not.toContain('differs from its options');
    // Only what the projects ask is checked, not the setup defaults' platforms.
    expect([...resolved.unavailable.keys()]).toEqual(['linux/arm/v7']);
    expect(docker.calls.map((c) => c.join(' '))).toEqual(['buildx inspect default', 'buildx inspect --bootstrap default']);
  });

  it('plans the builder from the registries the workspace uses on it, as docker-setup does', async () => {
    const docker = fakeDocker();
    const asked: string[] = [];
    const resolved = await builderForTasks(
      new DockerCli(docker.exec),
      {
        builder: 'nx-crossbake',
        services: [service('api:docker-multiarch', ['linux/amd64'])],
        setupOptionsFor: () => ({ platforms: ['linux/amd64'] }),
        registriesFor: (builder) => (asked.push(builder), [{ registry: '127.0.0.1:5000', tasks: ['web:docker-multiarch'] }]),
        readOnly: false,
      },
      environment,
    );
    expect(asked).toEqual(['nx-crossbake']);
    expect(docker.calls.map((c) => c.join(' ')).find((c) => c.startsWith('buildx create'))).toContain('--driver-opt network=host');
    // The fake keeps no driver options: the builder it made reads as one without host networking.
    expect(resolved.hint).toEqual({ builder: 'nx-crossbake', driver: 'docker-container', reachesHostLoopback: false });
  });
});

describe('builderForTasks and the readiness kept between runs', () => {
  const PLATFORMS = ['linux/amd64', 'linux/arm64'];
  const emulator = (platform: string): BinfmtEntry => ({ name: platform, enabled: true, flags: 'F', platform });
  const setup = (servedPlatforms = PLATFORMS) => {
    const docker = fakeDocker({ servedPlatforms });
    const state = memoryStateStore();
    const workspaceRoot = makeWorkspace([]);
    let registered = [emulator('linux/arm64')];
    const resolve = (platforms = PLATFORMS, extra: { fresh?: boolean; env?: Record<string, string> } = {}) => {
      docker.calls.length = 0;
      return builderForTasks(
        new DockerCli(docker.exec),
        {
          builder: 'nx-crossbake',
          services: [service('api:docker-multiarch', platforms)],
          setupOptionsFor: () => ({ platforms: ['linux/amd64'] }),
          readOnly: false,
          fresh: extra.fresh,
        },
        // A new BinfmtSnapshot per run, as each run reads binfmt_misc anew.
        { workspaceRoot, log: () => undefined, native: ['linux/amd64'], readBinfmt: () => registered, state, env: extra.env ?? {} },
      );
    };
    return {
      docker,
      state,
      resolve,
      commands: () => docker.calls.map((c) => c.join(' ')),
      register: (p: string) => (registered = [...registered, emulator(p)]),
    };
  };

  it('asks nothing of a builder an earlier run found ready for the same request, and says so', async () => {
    const { resolve, commands } = setup();
    const first = await resolve();
    expect(first.cached).toBeUndefined();
    expect(commands()).toContain('buildx inspect --bootstrap nx-crossbake');
    const warm = await resolve();
    expect(commands()).toEqual([]);
    expect(warm).toEqual({ ...first, cached: true });
  });

  it.each<[string, { platforms?: string[]; fresh?: boolean; env?: Record<string, string> }]>([
    ['a platform not asked before', { platforms: [...PLATFORMS, 'linux/arm/v7'] }],
    ['another engine', { env: { DOCKER_HOST: 'tcp://elsewhere:2376' } }],
    ['a bake that found the builder otherwise', { fresh: true }],
  ])('checks the builder again for %s', async (_case, extra) => {
    const { resolve, commands } = setup(['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
    await resolve();
    const again = await resolve(extra.platforms, extra);
    expect(again.cached).toBeUndefined();
    expect(commands()).toContain('buildx inspect --bootstrap nx-crossbake');
  });

  it('takes the record for a run asking only some of the platforms found served (affected)', async () => {
    const { resolve, commands } = setup();
    await resolve();
    expect((await resolve(['linux/arm64'])).cached).toBe(true);
    expect(commands()).toEqual([]);
  });

  it('checks the builder again when the emulators registered here change', async () => {
    const { resolve, commands, register } = setup();
    await resolve();
    register('linux/riscv64');
    expect((await resolve()).cached).toBeUndefined();
    expect(commands()).toContain('buildx inspect --bootstrap nx-crossbake');
  });

  it('never records a builder that cannot serve a platform asked for', async () => {
    const { resolve, commands, state } = setup(['linux/amd64']);
    expect([...(await resolve()).unavailable.keys()]).toEqual(['linux/arm64']);
    const again = await resolve();
    expect(again.cached).toBeUndefined();
    expect([...again.unavailable.keys()]).toEqual(['linux/arm64']);
    expect(commands()).toContain('buildx inspect --bootstrap nx-crossbake');
    expect(state.read('builder-readiness')?.['nx-crossbake']).toBeUndefined();
  });

  it('records nothing and asks every time without a state', async () => {
    const docker = fakeDocker();
    const run = () =>
      builderForTasks(
        new DockerCli(docker.exec),
        {
          builder: 'nx-crossbake',
          services: [service('api:docker-multiarch', ['linux/amd64'])],
          setupOptionsFor: () => ({ driver: 'docker', platforms: ['linux/amd64'] }),
          readOnly: false,
        },
        { workspaceRoot: makeWorkspace([]), log: () => undefined, native: ['linux/amd64'], readBinfmt: () => [] },
      );
    await run();
    const before = docker.calls.length;
    await run();
    expect(docker.calls.length).toBeGreaterThan(before);
  });
});

describe('unavailablePlatformProblems', () => {
  const unavailable = new Map([
    ['linux/s390x', 'no s390x here'],
    ['linux/arm/v7', 'no arm here'],
    ['linux/arm/v6', 'no arm here'],
  ]);

  it('names only the tasks that ask for an unavailable platform, by task id', () => {
    const problems = unavailablePlatformProblems(
      [
        service('api:docker-multiarch', ['linux/amd64', 'linux/s390x']),
        service('api:docker-multiarch-debug', ['linux/amd64']),
        service('web:docker-multiarch', ['darwin/arm64']),
      ],
      unavailable,
    );
    expect([...problems]).toEqual([['api:docker-multiarch', 'no s390x here']]);
  });

  it('gives each reason once, a line each', () => {
    const problems = unavailablePlatformProblems(
      [service('w:docker-multiarch', ['linux/arm/v7', 'linux/s390x', 'linux/arm/v6'])],
      unavailable,
    );
    expect(problems.get('w:docker-multiarch')).toBe('no arm here\nno s390x here');
  });
});
