import { DockerCli } from '../docker/docker-cli';
import type { Exec } from '../process/exec';
import { memoryStateStore } from '../core/state-file';
import { fakeDocker, inspectText, makeWorkspace, type FakeDocker } from '../../../test-support/fake-docker';
import type { MultiarchExecutorSchema } from '../options/schemas/multiarch';
import { buildServices, type ServiceRequest } from './build-services';

/**
 * A warm run (builder in place, nothing changed) costs its bake and almost nothing else; a stale record of the
 * builder never hides that it is gone or cannot serve a platform; builder groups run at once.
 */
const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const SHA = 'c0ffee'.padEnd(40, '0');
const request = (name: string, extra: MultiarchExecutorSchema = {}): ServiceRequest => ({
  id: `${name}:docker-multiarch`,
  project: { name, root: `apps/${name}` },
  options: { platforms: PLATFORMS, tags: [`127.0.0.1:5000/acme/${name}:latest`], push: true, ...extra },
});

/** git as a repository whose last commit touched every project: the facts, and one walk. */
const git: Exec = async (_file, args) => {
  if (args[0] === 'rev-parse') return { exitCode: 0, stdout: `.git/config\nfalse\n${SHA}\nrefs/heads/main`, stderr: '' };
  if (args.includes('log'))
    return {
      exitCode: 0,
      stdout: `\x1e1700000000 ${SHA}\0\napps/api/Dockerfile\0apps/web/Dockerfile\0apps/worker/Dockerfile\0`,
      stderr: '',
    };
  return { exitCode: 128, stdout: '', stderr: 'fatal' };
};

function workspace(docker: FakeDocker = fakeDocker(), roots = ['apps/api', 'apps/web', 'apps/worker']) {
  const workspaceRoot = makeWorkspace(roots);
  const state = memoryStateStore();
  const all: string[] = [];
  const logs: string[] = [];
  let exec: Exec = (file, args, options) => (file === 'git' ? git(file, args, options) : docker.exec(file, args, options));
  const run = (requests: ServiceRequest[], extra: { verbose?: boolean } = {}) => {
    all.length = 0;
    logs.length = 0;
    return buildServices({
      workspaceRoot,
      requests,
      // Every process the run starts, as it starts it (the wrappers below stand in for docker).
      exec: (file, args, options) => (all.push([file, ...args].join(' ')), exec(file, args, options)),
      state,
      log: (m) => logs.push(m),
      environment: { native: ['linux/amd64', 'linux/arm64', 'linux/arm'], readBinfmt: () => [] },
      setupOptionsFor: (builder) => (builder === 'nx-crossbake' ? { driver: 'docker-container', platforms: ['linux/amd64'] } : undefined),
      ...extra,
    });
  };
  const wrap = (outer: (inner: Exec) => Exec) => (exec = outer(exec));
  return { docker, state, run, all, logs, wrap };
}

const others = (all: string[]) => all.filter((c) => !/^docker (--context \S+ )?buildx (--builder \S+ )?bake /.test(c));

describe('a warm run', () => {
  it('starts, besides its bake, one git process and one history query: no version, no inspect, no engine query', async () => {
    const ws = workspace();
    await ws.run([request('api'), request('web')]);
    expect(ws.all).toContain('docker buildx inspect --bootstrap nx-crossbake');
    const results = await ws.run([request('api'), request('web')]);
    expect([...results.values()].map((r) => r.status)).toEqual(['built', 'built']);
    expect(others(ws.all)).toEqual([
      'git rev-parse --git-path config --is-shallow-repository HEAD --symbolic-full-name HEAD',
      expect.stringMatching(/^docker buildx --builder nx-crossbake history ls --format json --filter startedAt>\S+$/),
    ]);
  });

  it('says what it started, with --verbose', async () => {
    const ws = workspace();
    await ws.run([request('api')]);
    await ws.run([request('api')], { verbose: true });
    expect(ws.logs).toContain('nx-crossbake: processes started: 2 besides the bake (git rev-parse 1, docker buildx history 1); 1 bake');
  });

  it('reads durations from the records of its own builds only', async () => {
    const ws = workspace();
    ws.wrap((inner) => async (file, args, options) => {
      const result = await inner(file, args, options);
      // a record of someone else's build, listed by the same query
      return args.includes('history')
        ? {
            ...result,
            stdout: `${result.stdout}\n{"ref":"b/n/other","created_at":"2026-01-01T00:00:00Z","completed_at":"2026-01-01T00:09:00Z"}`,
          }
        : result;
    });
    const results = await ws.run([request('api')]);
    expect(results.get('api:docker-multiarch')!.durationMs).toBe(4500);
  });
});

describe('a stale record of the builder', () => {
  it('is found out when bake says the builder is gone: set up again, baked once more', async () => {
    const ws = workspace();
    await ws.run([request('api'), request('web')]);
    ws.docker.builders.delete('nx-crossbake');
    ws.wrap((inner) => async (file, args, options) => {
      if (args.includes('bake') && !ws.docker.builders.has('nx-crossbake'))
        return { exitCode: 1, stdout: '', stderr: 'ERROR: no builder "nx-crossbake" found' };
      return inner(file, args, options);
    });
    const results = await ws.run([request('api'), request('web')]);
    expect([...results.values()].map((r) => r.status)).toEqual(['built', 'built']);
    expect(ws.all.filter((c) => c.startsWith('docker buildx create'))).toHaveLength(1);
    expect(ws.all.filter((c) => c.includes(' bake '))).toHaveLength(2);
    expect(ws.logs.join('\n')).toContain('builder nx-crossbake is not as an earlier run found it (bake did not find it)');
  });

  it('is found out when a step cannot run a binary of its platform: only the tasks asking for a platform it lost fail', async () => {
    const ws = workspace();
    await ws.run([request('api'), request('web', { platforms: ['linux/amd64'] })]);
    // The emulator went away: the builder now serves amd64 only, and the first bake trips on it.
    ws.docker.builders.set('nx-crossbake', inspectText('nx-crossbake', 'docker-container', ['linux/amd64']));
    let bakes = 0;
    ws.wrap((inner) => async (file, args, options) => {
      if (args.includes('bake') && bakes++ === 0) {
        return {
          exitCode: 1,
          stdout: '',
          stderr:
            '#9 [api linux/arm64 2/2] RUN make\n#9 0.1 exec /bin/sh: exec format error\nERROR: target api: failed to solve: exit code: 255',
        };
      }
      return inner(file, args, options);
    });
    const results = await ws.run([request('api'), request('web', { platforms: ['linux/amd64'] })]);
    expect(results.get('api:docker-multiarch')).toMatchObject({ status: 'invalid' });
    expect(results.get('api:docker-multiarch')!.error).toContain("builder 'nx-crossbake' cannot build linux/arm64");
    expect(results.get('web:docker-multiarch')).toMatchObject({ status: 'built' });
    expect(ws.all).toContain('docker buildx inspect --bootstrap nx-crossbake');
    // the last bake, after the builder was checked again, holds only what it can build
    expect(Object.keys(ws.docker.bakes[ws.docker.bakes.length - 1].target)).toEqual(['web']);
  });

  it('is never the reason for a second bake when the builder was just checked', async () => {
    const ws = workspace();
    let bakes = 0;
    ws.wrap((inner) => async (file, args, options) => {
      if (args.includes('bake')) {
        bakes++;
        return {
          exitCode: 1,
          stdout: '',
          stderr:
            '#9 [api linux/arm64 2/2] RUN ./tool\n#9 0.1 exec ./tool: exec format error\nERROR: target api: failed to solve: exit code: 255',
        };
      }
      return inner(file, args, options);
    });
    const results = await ws.run([request('api')]);
    expect(results.get('api:docker-multiarch')).toMatchObject({ status: 'failed' });
    expect(bakes).toBe(1);
  });
});

describe('builder groups', () => {
  it('are set up and baked at the same time', async () => {
    const docker = fakeDocker({ builders: { other: inspectText('other', 'docker-container', PLATFORMS) } });
    const ws = workspace(docker);
    const running = new Set<string>();
    let overlapped = false;
    ws.wrap((inner) => async (file, args, options) => {
      if (!args.includes('bake')) return inner(file, args, options);
      const builder = args[args.indexOf('--builder') + 1];
      running.add(builder);
      if (running.size > 1) overlapped = true;
      await new Promise((resolve) => setTimeout(resolve, 20));
      running.delete(builder);
      return inner(file, args, options);
    });
    const results = await ws.run([request('api'), request('web', { builder: 'other', setup: false })]);
    expect([...results.values()].map((r) => r.status)).toEqual(['built', 'built']);
    expect(overlapped).toBe(true);
  });
});

describe('docker and buildx missing', () => {
  it('is said for every task by the first buildx command, without a bake', async () => {
    const ws = workspace();
    ws.wrap(
      (inner) => async (file, args, options) =>
        file === 'docker' && args.includes('buildx')
          ? { exitCode: 1, stdout: '', stderr: 'docker: unknown command: docker buildx' }
          : inner(file, args, options),
    );
    const results = await ws.run([request('api'), request('web')]);
    for (const result of results.values()) {
      expect(result).toMatchObject({ status: 'invalid' });
      expect(result.error).toContain('docker buildx is not available');
    }
    expect(ws.docker.bakes).toHaveLength(0);
  });
});

describe('DockerCli given by the caller', () => {
  it('keeps no state unless given one', async () => {
    const docker = fakeDocker();
    const workspaceRoot = makeWorkspace(['apps/api']);
    const run = () =>
      buildServices({
        workspaceRoot,
        // no git asked: facts given, no source date wanted
        requests: [request('api', { reproducible: false })],
        facts: { env: {}, git: {}, defaultBranch: 'main', now: new Date() },
        cli: new DockerCli(docker.exec),
        log: () => undefined,
        environment: { native: ['linux/amd64', 'linux/arm64'], readBinfmt: () => [] },
        setupOptionsFor: () => ({ driver: 'docker' }),
      });
    await run();
    docker.calls.length = 0;
    await run();
    expect(docker.calls.map((c) => c.join(' '))).toContain('buildx inspect --bootstrap nx-crossbake');
  });
});
