import { readFileSync } from 'node:fs';
import {
  AUTH_REGISTRY,
  AUTH_REGISTRY_PASSWORD_FILE,
  BINFMT_IMAGE,
  BUILDKIT_TLS,
  DOCKER_CONTAINER_SETUP_OPTIONS,
  NODE_A_DAEMON,
  NODE_B_DAEMON,
  REMOTE_DAEMON,
} from './support/rig';
import { BASE_IMAGE, imageRef, registryPlatforms, run, runImage, RUN_ID, Workspace, type ServiceSpec } from './support/workspace';

/**
 * The core cases on every builder users run: the engine's own BuildKit (`docker`), BuildKit in a container
 * (`docker-container`, the default), a BuildKit daemon reached over TLS (`remote`), and a builder of two
 * remote nodes, each building its own platforms. One workspace per driver, on a builder of its own.
 */
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const PASSWORD_ENV = 'CROSSBAKE_E2E_REGISTRY_PASSWORD';
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

const DRIVERS: [string, Record<string, unknown>][] = [
  ['docker', { driver: 'docker', 'qemu-image': BINFMT_IMAGE }],
  ['docker-container', DOCKER_CONTAINER_SETUP_OPTIONS],
  ['remote', { driver: 'remote', endpoint: REMOTE_DAEMON.endpoint, ...BUILDKIT_TLS }],
];

/** A removed builder, so the first setup creates it (a docker-driver builder is a Docker context). */
function removeBuilder(name: string) {
  run('docker', ['buildx', 'rm', '--force', name]);
  run('docker', ['context', 'rm', '--force', name]);
}

/** Every cache the builder holds, dropped: what is CACHED afterwards came from the registry. */
function pruneBuilder(name: string, driver: string) {
  const result =
    driver === 'docker'
      ? run('docker', ['--context', name, 'buildx', 'prune', '--all', '--force'])
      : run('docker', ['buildx', 'prune', '--builder', name, '--all', '--force']);
  if (result.code !== 0) throw new Error(`prune of ${name} failed:\n${result.output}`);
}

/** The platforms the daemon at `endpoint` built this run's targets for, read from its own build history. */
function platformsBuiltOn(endpoint: string): string[] {
  const view = `e2e-view-${endpoint.split(':').pop()}`;
  const tls = Object.entries(BUILDKIT_TLS)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  run('docker', ['buildx', 'rm', '--force', view]);
  const created = run('docker', ['buildx', 'create', '--name', view, '--driver', 'remote', '--driver-opt', tls, endpoint]);
  if (created.code !== 0) throw new Error(`cannot look at ${endpoint}:\n${created.output}`);
  try {
    const refs = run('docker', ['buildx', 'history', 'ls', '--builder', view, '--format', 'json'])
      .stdout.split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { ref: string; name: string })
      // a bake record is named after its target's context
      .filter((r) => /\/ws-driver-nodes\/apps\/(one|two|three)$/.test(r.name))
      .map((r) => r.ref.split('/').pop()!);
    const platforms = refs.flatMap(
      (ref) =>
        (
          JSON.parse(run('docker', ['buildx', 'history', 'inspect', '--builder', view, ref, '--format', 'json']).stdout) as {
            Platform: string[];
          }
        ).Platform,
    );
    return [...new Set(platforms)].sort();
  } finally {
    run('docker', ['buildx', 'rm', '--force', view]);
  }
}

function timed<T>(fn: () => T): [T, number] {
  const started = Date.now();
  return [fn(), Date.now() - started];
}

const services = (driver: string, builder: string): ServiceSpec[] => {
  const tag = (name: string) => imageRef(`drv-${driver}-${name}`);
  const options = (name: string, extra: Record<string, unknown> = {}) => ({
    platforms: PLATFORMS,
    tags: [tag(name)],
    push: true,
    builder,
    ...extra,
  });
  return [
    {
      name: 'base',
      root: 'apps/base',
      dockerfile: `FROM ${BASE_IMAGE}\nRUN echo "base ${driver} ${RUN_ID}" > /base-version\n`,
      options: options('base'),
    },
    // Built FROM the sibling's tag: linked to the fresh base in the same bake, never pulled.
    {
      name: 'api',
      root: 'apps/api',
      dockerfile: `FROM ${tag('base')}\nRUN sleep 2 && uname -m > /arch\nCMD ["cat", "/base-version", "/arch"]\n`,
      options: options('api'),
    },
    {
      name: 'worker',
      root: 'apps/worker',
      dockerfile: `FROM ${BASE_IMAGE}\nRUN --mount=type=secret,id=token,env=TOKEN test "$TOKEN" = "token-${RUN_ID}" && echo seen > /secret-seen\nCMD ["cat", "/secret-seen"]\n`,
      options: options('worker', { secrets: ['id=token,env=CROSSBAKE_E2E_TOKEN'] }),
    },
    {
      name: 'private',
      root: 'apps/private',
      dockerfile: `FROM ${BASE_IMAGE}\nRUN echo private > /private\n`,
      options: {
        platforms: ['linux/amd64', 'linux/arm64'],
        tags: [`${AUTH_REGISTRY}/e2e-${RUN_ID}/drv-${driver}-private:1`],
        push: true,
        builder,
        registries: [{ url: AUTH_REGISTRY, username: 'crossbake', passwordEnv: PASSWORD_ENV }],
      },
    },
    {
      name: 'loader',
      root: 'apps/loader',
      dockerfile: `FROM ${BASE_IMAGE}\nRUN echo loaded > /loaded\n`,
      options: { platforms: ['linux/arm64'], tags: [tag('loader')], load: true, builder },
    },
  ];
};

describe.each(DRIVERS)('the core cases on the %s driver', (driver, setup) => {
  const builder = `e2e-${driver}`;
  const env = { CROSSBAKE_E2E_TOKEN: `token-${RUN_ID}`, [PASSWORD_ENV]: readFileSync(AUTH_REGISTRY_PASSWORD_FILE, 'utf8').trim() };
  let ws: Workspace;
  let cold: ReturnType<Workspace['nx']>;
  const report = (project: string) => JSON.parse(ws.read(`dist/nx-crossbake/apps/${project}/docker-multiarch/image.json`));

  beforeAll(() => {
    removeBuilder(builder);
    ws = new Workspace(`driver-${driver}`, services(driver, builder), {}, { ...setup, builder });
    const [created, createMs] = timed(() => ws.nx(['run', 'builder:docker-setup']));
    if (created.code !== 0) throw new Error(`setup of ${builder} failed:\n${created.output}`);
    const [noop, noopMs] = timed(() => ws.nx(['run', 'builder:docker-setup']));
    if (noop.code !== 0) throw new Error(`second setup of ${builder} failed:\n${noop.output}`);
    let coldMs;
    [cold, coldMs] = timed(() => ws.nx(['run-many', '-t', 'docker-multiarch'], env));
    const [warm, warmMs] = timed(() => ws.nx(['run-many', '-t', 'docker-multiarch'], env));
    if (warm.code !== 0) throw new Error(`warm run on ${builder} failed:\n${warm.output}`);
    process.stderr.write(
      `[e2e] ${driver}: builder creation ${seconds(createMs)}, no-op setup ${seconds(noopMs)}, cold spine ${seconds(coldMs)}, warm spine ${seconds(warmMs)} (whole nx commands)\n`,
    );
  });

  it('builds every project for every platform in ONE bake, and pushes a manifest list each', () => {
    expect(cold.code).toBe(0);
    expect(ws.bakeCalls()).toHaveLength(2); // the cold run and the warm one
    for (const project of ['base', 'api', 'worker']) {
      expect(report(project)).toMatchObject({ status: 'built', push: true });
      expect(registryPlatforms(report(project).tags[0])).toEqual([...PLATFORMS].sort());
    }
  });

  it('runs the arm64 and arm/v7 images, built FROM the fresh sibling base', () => {
    const base = `base ${driver} ${RUN_ID}`;
    expect(runImage(imageRef(`drv-${driver}-api`), 'linux/arm64')).toBe(`${base}\naarch64`);
    expect(runImage(imageRef(`drv-${driver}-api`), 'linux/arm/v7')).toBe(`${base}\narmv7l`);
    const bake = JSON.parse(ws.read(ws.bakeCalls()[0].match(/--file (\S+)/)![1]));
    expect(bake.target.api.contexts).toEqual({ [imageRef(`drv-${driver}-base`).replace(/:latest$/, '')]: 'target:base' });
  });

  it('hands the secret to its step', () => {
    expect(runImage(imageRef(`drv-${driver}-worker`), 'linux/arm64')).toBe('seen');
  });

  it('pushes to a registry that needs the run’s login', () => {
    const private_ = report('private');
    expect(private_).toMatchObject({ status: 'built', push: true });
    expect(private_.digest).toMatch(/^sha256:/);
  });

  it('loads one platform into the engine', () => {
    expect(report('loader').status).toBe('built');
    const inspected = run('docker', ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', imageRef(`drv-${driver}-loader`)]);
    expect(inspected.stdout.trim()).toBe('linux/arm64');
  });

  it('imports the registry cache once the builder has none of its own', () => {
    pruneBuilder(builder, driver);
    const again = ws.nx(['run-many', '-t', 'docker-multiarch', '--projects=base,api'], env);
    expect(again.code).toBe(0);
    expect(again.output).toContain(`importing cache manifest from ${imageRef(`drv-${driver}-api`).replace(/:latest$/, '')}:buildcache`);
    // api's 2-second step is not run again on any platform: it comes from the imported cache.
    const slow = [...again.output.matchAll(/^#(\d+) \[api linux\/\S+ \d\/2\] RUN sleep 2/gm)].map((m) => m[1]);
    expect(slow.length).toBeGreaterThan(0);
    for (const id of slow) expect(again.output).not.toMatch(new RegExp(`^#${id} DONE [1-9]\\d*\\.\\ds$`, 'm'));
  });
});

describe('a builder of two remote nodes, each building its own platforms', () => {
  const builder = 'e2e-nodes';
  let ws: Workspace;
  let result: ReturnType<Workspace['nx']>;

  beforeAll(() => {
    removeBuilder(builder);
    const setup = {
      builder,
      driver: 'remote',
      endpoint: NODE_A_DAEMON.endpoint,
      ...BUILDKIT_TLS,
      nodes: [{ name: 'node-b', endpoint: NODE_B_DAEMON.endpoint, platforms: NODE_B_DAEMON.platforms }],
    };
    const tag = (name: string) => imageRef(`drv-nodes-${name}`);
    ws = new Workspace(
      'driver-nodes',
      ['one', 'two', 'three'].map((name) => ({
        name,
        root: `apps/${name}`,
        dockerfile: `FROM ${BASE_IMAGE}\nRUN uname -m > /arch\nCMD ["cat", "/arch"]\n`,
        options: { platforms: PLATFORMS, tags: [tag(name)], push: true, builder },
      })),
      {},
      setup,
    );
    const [done, ms] = timed(() => ws.nx(['run-many', '-t', 'docker-multiarch']));
    result = done;
    process.stderr.write(`[e2e] two nodes: spine (3 projects x 3 platforms, builder created) ${seconds(ms)}\n`);
  });

  it('pushes every platform of every project from one bake', () => {
    expect(result.code).toBe(0);
    expect(ws.bakeCalls()).toHaveLength(1);
    for (const name of ['one', 'two', 'three']) expect(registryPlatforms(imageRef(`drv-nodes-${name}`))).toEqual([...PLATFORMS].sort());
    expect(runImage(imageRef('drv-nodes-one'), 'linux/arm/v7')).toBe('armv7l');
  });

  it('built each platform on the node pinned to it', () => {
    // buildx merges the index on the client when a target spans nodes, so the metadata keeps only the
    // index: each node's own build history says which platforms it built.
    expect(platformsBuiltOn(NODE_A_DAEMON.endpoint)).toEqual(['linux/amd64']);
    expect(platformsBuiltOn(NODE_B_DAEMON.endpoint)).toEqual(['linux/arm/v7', 'linux/arm64']);
  });
});
