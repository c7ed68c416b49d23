import { execFileSync } from 'node:child_process';
import { BASE_IMAGE, imageRef, registryPlatforms, run, runImage, Workspace, type ServiceSpec } from './support/workspace';

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];

const services = (prefix: string): ServiceSpec[] => [
  {
    name: '@acme/api',
    root: 'apps/api',
    dockerfile: `FROM ${BASE_IMAGE}\nARG GREETING\nRUN echo "$GREETING" > /greeting\nCMD ["cat", "/greeting"]\n`,
    options: {
      platforms: PLATFORMS,
      tags: [imageRef(`${prefix}-api`)],
      push: true,
      'build-args': ['GREETING=hello $${USER} from $GREETING_FROM'],
    },
  },
  {
    name: 'worker',
    root: 'apps/worker',
    // Runs on the target platform, so under QEMU for arm: records the machine it was built on.
    dockerfile: `FROM ${BASE_IMAGE}\nRUN uname -m > /built-on\nCMD ["cat", "/built-on"]\n`,
    options: { platforms: PLATFORMS, tags: [imageRef(`${prefix}-worker`)], push: true },
  },
  {
    name: 'web',
    root: 'apps/web',
    dockerfile: `FROM ${BASE_IMAGE}\nCOPY index.html /www/index.html\nCMD ["cat", "/www/index.html"]\n`,
    files: { 'index.html': '<h1>web</h1>\n' },
    options: { platforms: PLATFORMS, tags: [imageRef(`${prefix}-web`)], push: true },
  },
];

describe('nx run-many -t docker-multiarch (batch)', () => {
  let ws: Workspace;
  let result: ReturnType<Workspace['nx']>;
  const started = Date.now();

  beforeAll(() => {
    ws = new Workspace('spine', services('spine'));
    result = ws.nx(['run-many', '-t', 'docker-multiarch'], { GREETING_FROM: 'api' });
    process.stderr.write(`[e2e] spine: nx run-many took ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  });

  it('succeeds for the three projects', () => {
    expect(result.output).toContain('Successfully ran target docker-multiarch for 3 projects');
    expect(result.code).toBe(0);
  });

  it('ran exactly one docker buildx bake, whose file has the three projects with all platforms', () => {
    expect(ws.bakeCalls()).toHaveLength(1);
    const bakeFile = ws.bakeCalls()[0].match(/--file (\S+)/)![1];
    const definition = JSON.parse(ws.read(bakeFile));
    expect(Object.keys(definition.target).sort()).toEqual(['acme_api', 'web', 'worker']);
    for (const target of Object.values<{ platforms: string[] }>(definition.target)) expect(target.platforms).toEqual(PLATFORMS);
  });

  it('pushed one manifest list per project with every platform', () => {
    for (const name of ['api', 'worker', 'web']) {
      expect(registryPlatforms(imageRef(`spine-${name}`))).toEqual([...PLATFORMS].sort());
    }
  });

  it('built each platform for real: the RUN step saw aarch64 and armv7l under QEMU', () => {
    expect(runImage(imageRef('spine-worker'), 'linux/arm64')).toBe('aarch64');
    expect(runImage(imageRef('spine-worker'), 'linux/arm/v7')).toBe('armv7l');
    expect(runImage(imageRef('spine-worker'), 'linux/amd64')).toBe('x86_64');
  });

  it('read $VAR in build args from the environment, and passed $${…} through as a literal ${…}', () => {
    expect(runImage(imageRef('spine-api'), 'linux/arm64')).toBe('hello ${USER} from api');
  });

  it('wrote a JSON report per project whose digest is the one in the registry', () => {
    const report = JSON.parse(ws.read('dist/nx-crossbake/apps/api/docker-multiarch/image.json'));
    expect(report).toMatchObject({
      project: '@acme/api',
      status: 'built',
      platforms: PLATFORMS,
      tags: [imageRef('spine-api')],
      push: true,
    });
    const inspected = JSON.parse(
      execFileSync('docker', ['buildx', 'imagetools', 'inspect', imageRef('spine-api'), '--format', '{{json .Manifest}}'], {
        encoding: 'utf8',
      }),
    );
    expect(report.digest).toBe(inspected.digest);
    expect(report.durationMs).toBeGreaterThan(0);
  });

  it('printed one summary table with a row per project', () => {
    expect(result.output).toMatch(/PROJECT\s+STATUS\s+PLATFORMS\s+DIGEST\s+TIME/);
    for (const project of ['@acme/api', 'worker', 'web']) {
      expect(result.output).toMatch(
        new RegExp(
          `^${project.replace('/', '\\/')}\\s+pushed\\s+linux/amd64,linux/arm64,linux/arm/v7\\s+[0-9a-f]{12}\\s+\\d+\\.\\ds$`,
          'm',
        ),
      );
    }
  });
});

describe('nx run-many -t docker-multiarch --batch=false', () => {
  it('builds each task alone, one bake per project', () => {
    const ws = new Workspace('nobatch', services('nobatch').slice(1));
    const result = ws.nx(['run-many', '-t', 'docker-multiarch', '--batch=false']);
    expect(result.code).toBe(0);
    expect(ws.bakeCalls()).toHaveLength(2);
    expect(registryPlatforms(imageRef('nobatch-worker'))).toEqual([...PLATFORMS].sort());
    expect(registryPlatforms(imageRef('nobatch-web'))).toEqual([...PLATFORMS].sort());
  });
});

describe('load and outputs instead of push', () => {
  let ws: Workspace;
  let result: ReturnType<Workspace['nx']>;
  const loadTag = imageRef('load-only');

  beforeAll(() => {
    ws = new Workspace('load', [
      {
        name: 'loaded',
        root: 'apps/loaded',
        dockerfile: `FROM ${BASE_IMAGE}\nRUN uname -m > /built-on\nCMD ["cat", "/built-on"]\n`,
        options: { platforms: PLATFORMS, tags: [loadTag], load: true },
      },
      {
        name: 'exported',
        root: 'apps/exported',
        dockerfile: `FROM ${BASE_IMAGE}\nRUN uname -m > /built-on\n`,
        options: { platforms: ['linux/amd64', 'linux/arm64'], outputs: ['type=local,dest=dist/exported'] },
      },
    ]);
    result = ws.nx(['run-many', '-t', 'docker-multiarch']);
  });

  it('succeeds in one bake', () => {
    expect(result.code).toBe(0);
    expect(ws.bakeCalls()).toHaveLength(1);
  });

  it('loads every platform into the engine (containerd image store) without pushing', () => {
    for (const [platform, machine] of [
      ['linux/arm64', 'aarch64'],
      ['linux/arm/v7', 'armv7l'],
    ]) {
      const out = run('docker', ['run', '--rm', '--pull', 'never', '--platform', platform, loadTag]);
      expect([platform, out.stdout.trim()]).toEqual([platform, machine]);
    }
    expect(run('docker', ['buildx', 'imagetools', 'inspect', loadTag]).code).not.toBe(0);
    expect(result.output).toMatch(/^loaded\s+loaded\s/m);
  });

  it('exports the user outputs, one folder per platform', () => {
    expect(ws.read('dist/exported/linux_arm64/built-on').trim()).toBe('aarch64');
    expect(ws.read('dist/exported/linux_amd64/built-on').trim()).toBe('x86_64');
  });
});

describe('--verbose', () => {
  it('prints the exact docker commands the run executes', () => {
    const ws = new Workspace('verbose', services('verbose').slice(2));
    const result = ws.nx(['run-many', '-t', 'docker-multiarch', '--verbose']);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/^nx-crossbake: processes started: \d+ besides the bake \(.*\); 1 bake$/m);
    expect(result.output).toMatch(
      /^nx-crossbake: \$ docker buildx --builder nx-crossbake bake --file \/\S+\/runs\/[^/]+\/docker-bake\.json --metadata-file \S+ --progress plain$/m,
    );
  });
});
