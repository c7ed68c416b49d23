import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_IMAGE, imageRef, registryPlatforms, run, RUN_ID, Workspace, type ServiceSpec } from './support/workspace';

/**
 * A monorepo with the everyday mistakes of day one among healthy services, all in one
 * `nx run-many -t docker-multiarch,docker-multiarch-debug`: every problem must stay with the task that
 * has it, and every line of the summary must be true (the registry has what is reported pushed).
 */
const AMD_ARM = ['linux/amd64', 'linux/arm64'];
const ok = (name: string) => `FROM ${BASE_IMAGE}\nRUN echo ${name} > /name\n`;
const pushed = (name: string, extra: Record<string, unknown> = {}) => ({
  platforms: AMD_ARM,
  tags: [imageRef(`messy-${name}`)],
  push: true,
  ...extra,
});

const secretDir = join(tmpdir(), `crossbake-messy-${RUN_ID}`);
const agentSocket = join(secretDir, 'agent.sock');

const services: ServiceSpec[] = [
  // The forms users bring from neighbouring tools.
  {
    name: 'comma-platforms',
    root: 'apps/comma-platforms',
    dockerfile: ok('comma'),
    options: pushed('comma-platforms', { platforms: 'linux/amd64,linux/arm64' }),
  },
  {
    name: 'arm-alias',
    root: 'apps/arm-alias',
    dockerfile: ok('arm'),
    options: pushed('arm-alias', { platforms: ['linux/arm64', 'linux/arm', 'linux/amd64'] }),
  },
  {
    name: 'map-args',
    root: 'apps/map-args',
    dockerfile: `FROM ${BASE_IMAGE}\nARG GREETING\nRUN echo "$GREETING" > /greeting\n`,
    options: pushed('map-args', { 'build-args': { GREETING: 'hi' } }),
  },
  {
    name: 'darwin',
    root: 'apps/darwin',
    dockerfile: 'FROM scratch\nCOPY hello.txt /hello.txt\n',
    files: { 'hello.txt': 'hello\n' },
    options: pushed('darwin', { platforms: ['linux/amd64', 'darwin/arm64'] }),
  },
  // Mistakes caught before anything is built.
  { name: 'push-yes', root: 'apps/push-yes', dockerfile: ok('yes'), options: pushed('push-yes', { push: 'yes' }) },
  {
    name: 'upper-tag',
    root: 'apps/upper-tag',
    dockerfile: ok('upper'),
    options: pushed('upper-tag', { tags: ['127.0.0.1:5000/Acme/Upper:1'] }),
  },
  // Mistakes only the build finds.
  { name: 'syntax-error', root: 'apps/syntax-error', dockerfile: `FROMM ${BASE_IMAGE}\n`, options: pushed('syntax-error') },
  {
    name: 'missing-base',
    root: 'apps/missing-base',
    dockerfile: `FROM 127.0.0.1:5000/crossbake/does-not-exist-${RUN_ID}:1\n`,
    options: pushed('missing-base'),
  },
  {
    name: 'registry-down',
    root: 'apps/registry-down',
    dockerfile: ok('down'),
    options: pushed('registry-down', { tags: [`127.0.0.1:5999/e2e-${RUN_ID}/down:1`] }),
  },
  // What needs entitlements: an ssh agent, a secret file outside the workspace.
  {
    name: 'ssh',
    root: 'apps/ssh',
    dockerfile: `FROM ${BASE_IMAGE}\nRUN --mount=type=ssh test -S "$SSH_AUTH_SOCK" && echo agent > /ssh-ok\n`,
    options: pushed('ssh', { ssh: ['default'] }),
  },
  {
    name: 'abs-secret',
    root: 'apps/abs-secret',
    dockerfile: `FROM ${BASE_IMAGE}\nRUN --mount=type=secret,id=tok,required=true test -s /run/secrets/tok && echo secret > /secret-ok\n`,
    options: pushed('abs-secret', { secrets: [`id=tok,src=${join(secretDir, 'token')}`] }),
  },
  ...[1, 2, 3, 4].map((i) => ({
    name: `healthy-${i}`,
    root: `apps/healthy-${i}`,
    dockerfile: ok(`healthy-${i}`),
    options: pushed(`healthy-${i}`, i === 1 ? { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] } : {}),
  })),
];

const HEALTHY = [
  'comma-platforms',
  'arm-alias',
  'map-args',
  'darwin',
  'ssh',
  'abs-secret',
  'healthy-1',
  'healthy-2',
  'healthy-3',
  'healthy-4',
];

describe('a messy monorepo: one bad project never stops the others, and every reported result is true', () => {
  let ws: Workspace;
  let result: ReturnType<Workspace['nx']>;
  let agent: number | undefined;
  const report = (project: string, target = 'docker-multiarch') =>
    JSON.parse(ws.read(`dist/nx-crossbake/apps/${project}/${target}/image.json`));

  beforeAll(() => {
    rmSync(secretDir, { recursive: true, force: true });
    mkdirSync(secretDir, { recursive: true });
    writeFileSync(join(secretDir, 'token'), `token-${RUN_ID}\n`, { mode: 0o600 });
    // A real agent holding a real key: what `ssh: ["default"]` forwards.
    const started = run('ssh-agent', ['-a', agentSocket]);
    agent = Number(/SSH_AGENT_PID=(\d+)/.exec(started.stdout)?.[1]);
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(secretDir, 'id_ed25519')]);
    run('ssh-add', [join(secretDir, 'id_ed25519')], { env: { SSH_AUTH_SOCK: agentSocket } });

    ws = new Workspace('messy', services);
    // One project with two multiarch targets, each with its own tags.
    ws.write(
      'apps/two/project.json',
      JSON.stringify({
        name: 'two',
        root: 'apps/two',
        targets: {
          'docker-multiarch': { executor: 'nx-crossbake:multiarch', options: pushed('two', { tags: [imageRef('messy-two', 'plain')] }) },
          'docker-multiarch-debug': {
            executor: 'nx-crossbake:multiarch',
            options: pushed('two', { tags: [imageRef('messy-two', 'debug')], 'build-args': ['DEBUG=1'] }),
          },
        },
      }),
    );
    ws.write('apps/two/Dockerfile', `FROM ${BASE_IMAGE}\nARG DEBUG=0\nRUN echo "debug=$DEBUG" > /mode\n`);
    const started2 = Date.now();
    result = ws.nx(['run-many', '-t', 'docker-multiarch,docker-multiarch-debug'], { SSH_AUTH_SOCK: agentSocket });
    console.log(`[e2e] messy monorepo: 17 tasks in ${((Date.now() - started2) / 1000).toFixed(1)}s, ${ws.bakeCalls().length} bakes`);
  });

  afterAll(() => {
    if (agent) process.kill(agent);
    rmSync(secretDir, { recursive: true, force: true });
  });

  it('fails the run, since some projects failed', () => {
    expect(result.code).not.toBe(0);
  });

  it.each(HEALTHY)('%s: pushed with every platform it asked for', (project) => {
    const r = report(project);
    expect(r).toMatchObject({ project, status: 'built', push: true });
    expect(registryPlatforms(r.tags[0])).toEqual([...r.platforms].sort());
  });

  it('normalized the platforms users write: a comma string, and linux/arm as linux/arm/v7', () => {
    expect(report('comma-platforms').platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(report('arm-alias').platforms).toEqual(['linux/arm64', 'linux/arm/v7', 'linux/amd64']);
    expect(registryPlatforms(imageRef('messy-arm-alias'))).toContain('linux/arm/v7');
  });

  it('built darwin/arm64 FROM scratch, with no emulator asked for', () => {
    expect(registryPlatforms(imageRef('messy-darwin'))).toEqual(['darwin/arm64', 'linux/amd64']);
    expect(ws.dockerCalls().filter((c) => c.includes('--install'))).toEqual([]);
  });

  it('pushed both targets of one project, each with its own tag, report and digest', () => {
    const plain = report('two');
    const debug = report('two', 'docker-multiarch-debug');
    expect(plain).toMatchObject({ status: 'built', tags: [imageRef('messy-two', 'plain')] });
    expect(debug).toMatchObject({ status: 'built', tags: [imageRef('messy-two', 'debug')] });
    expect(plain.digest).not.toBe(debug.digest);
    expect(registryPlatforms(imageRef('messy-two', 'plain'))).toEqual(AMD_ARM);
    expect(registryPlatforms(imageRef('messy-two', 'debug'))).toEqual(AMD_ARM);
  });

  it.each([
    ['push-yes', 'invalid', /'push' is 'yes'/],
    ['upper-tag', 'invalid', /repository names must be lowercase/],
    ['syntax-error', 'failed', /unknown instruction/i],
    ['missing-base', 'failed', /not found/],
    ['registry-down', 'failed', /connection refused/],
  ])('%s: %s, with its own reason', (project, status, reason) => {
    const r = report(project);
    expect(r.status).toBe(status);
    expect(r.error).toMatch(reason);
    expect(result.output).toMatch(new RegExp(`^${project}\\s+${status}\\s`, 'm'));
  });

  it('reports every built image with the digest the registry has', () => {
    const built = [...HEALTHY.map((p) => report(p)), report('two'), report('two', 'docker-multiarch-debug')];
    for (const r of built) {
      const inspected = JSON.parse(
        execFileSync('docker', ['buildx', 'imagetools', 'inspect', r.tags[0], '--format', '{{json .Manifest}}'], { encoding: 'utf8' }),
      );
      expect([r.project, r.digest]).toEqual([r.project, inspected.digest]);
    }
  });
});
