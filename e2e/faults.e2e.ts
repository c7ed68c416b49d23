/**
 * Faults: each test asserts the exact outcome and prints a one-line figure (time to failure, processes
 * left, services pushed) so regressions show in the CI log.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_IMAGE, BINFMT_IMAGE, imageRef, registryPlatforms, run, RUN_ID, Workspace, type ServiceSpec } from './support/workspace';

const figure = (name: string, value: string) => process.stderr.write(`[e2e] fault ${name}: ${value}\n`);
const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const service = (
  name: string,
  dockerfile = `FROM ${BASE_IMAGE}\nRUN uname -m > /built-on\n`,
  options: Record<string, unknown> = {},
): ServiceSpec => ({
  name,
  root: `apps/${name}`,
  dockerfile,
  options: { platforms: PLATFORMS, tags: [imageRef(name)], push: true, ...options },
});
/** buildx bake processes running one of this workspace's bake files (each run's own, outside the workspace). */
const bakesOf = (ws: Workspace) => {
  const files = ws.bakeCalls().map((call) => call.match(/--file (\S+)/)![1]);
  return run('bash', ['-c', 'ps -eo pid,args | grep " bake --file " | grep -v grep || true'])
    .stdout.split('\n')
    .filter((l) => files.some((file) => l.includes(file)));
};

describe('the registry is down', () => {
  const FAULT_REGISTRY = '127.0.0.1:5002';
  const dir = join(tmpdir(), `crossbake-fault-registry-${RUN_ID}`);
  let registry: ReturnType<typeof spawn> | undefined;
  const startRegistry = () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'config.yml'),
      `version: 0.1\nlog: { level: error }\nstorage:\n  filesystem: { rootdirectory: ${dir}/data }\nhttp:\n  addr: ${FAULT_REGISTRY}\n`,
    );
    registry = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
    for (let i = 0; i < 50 && run('curl', ['-sf', `http://${FAULT_REGISTRY}/v2/`]).code !== 0; i++) spawnSync('sleep', ['0.1']);
  };
  afterAll(() => registry?.kill());

  it('fails within 30 s naming the services, and a rerun succeeds once it is back', () => {
    const tag = (name: string) => `${FAULT_REGISTRY}/e2e-${RUN_ID}/${name}:latest`;
    const ws = new Workspace('registry-down', [
      { ...service('down-a'), options: { platforms: PLATFORMS, tags: [tag('down-a')], push: true } },
      { ...service('down-b'), options: { platforms: PLATFORMS, tags: [tag('down-b')], push: true } },
    ]);
    const started = Date.now();
    const down = ws.nx(['run-many', '-t', 'docker-multiarch']);
    const seconds = (Date.now() - started) / 1000;
    figure('registry down', `failed after ${seconds.toFixed(1)}s`);
    expect(down.code).not.toBe(0);
    expect(seconds).toBeLessThan(30);
    expect(down.output).toMatch(/^down-a\s+(failed|cancelled)\s/m);
    expect(down.output).toMatch(/^down-b\s+(failed|cancelled)\s/m);
    expect(down.output).toMatch(/connection refused|dial tcp/);

    startRegistry();
    const back = ws.nx(['run-many', '-t', 'docker-multiarch']);
    expect(back.code).toBe(0);
    expect(registryPlatforms(tag('down-a'))).toEqual(PLATFORMS);
  });
});

describe('SIGTERM to nx in the middle of a bake', () => {
  it('leaves no buildx process and no lock behind, and the next run succeeds', async () => {
    // Unique to this run: the shared builder's cache must not turn the 60 s step into a hit.
    const ws = new Workspace('sigterm', [service('interrupted', `FROM ${BASE_IMAGE}\nRUN sleep 60 && echo ${RUN_ID} > /done\n`)]);
    const nx = spawn(
      process.execPath,
      [join(ws.dir, 'node_modules/nx/dist/bin/nx.js'), 'run-many', '-t', 'docker-multiarch', '--output-style=static'],
      {
        cwd: ws.dir,
        env: { ...process.env, PATH: `${ws.dir}/.shim:${process.env.PATH}`, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => nx.on('exit', resolve));
    for (let i = 0; i < 300 && ws.bakeCalls().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(ws.bakeCalls()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 2000)); // well inside the 60 s step
    expect(bakesOf(ws).length).toBeGreaterThan(0); // the bake is running, and this finds it
    nx.kill('SIGTERM');
    await exited;
    const stopped = Date.now();
    while (bakesOf(ws).length > 0 && Date.now() - stopped < 5000) await new Promise((r) => setTimeout(r, 100));
    const left = bakesOf(ws).length;
    figure('SIGTERM', `${left} buildx process(es) left ${((Date.now() - stopped) / 1000).toFixed(1)}s after nx exited`);
    expect(left).toBe(0);
    expect(existsSync(join(tmpdir(), `nx-crossbake-${process.getuid!()}`, 'builder-nx-crossbake.lock'))).toBe(false);

    ws.write('apps/interrupted/Dockerfile', `FROM ${BASE_IMAGE}\nRUN echo done > /done\n`);
    expect(ws.nx(['run-many', '-t', 'docker-multiarch']).code).toBe(0);
  });
});

describe('builder removed and emulator unregistered between runs', () => {
  it('the next run repairs both', () => {
    const builder = `repair-${RUN_ID}`;
    const ws = new Workspace(
      'repair',
      [service('repaired', undefined, { builder })],
      {},
      { driver: 'docker', builder, 'qemu-image': BINFMT_IMAGE },
    );
    expect(ws.nx(['run-many', '-t', 'docker-multiarch']).code).toBe(0);
    run('docker', ['context', 'rm', '--force', builder]);
    writeFileSync('/proc/sys/fs/binfmt_misc/qemu-aarch64', '-1');
    const started = Date.now();
    const repaired = ws.nx(['run-many', '-t', 'docker-multiarch']);
    figure('repair', `builder and QEMU restored and the service rebuilt in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    expect(repaired.code).toBe(0);
    expect(repaired.output).toContain('registering QEMU for linux/arm64');
    expect(repaired.output).toContain(`created builder '${builder}'`);
    expect(run('bash', ['-c', 'grep -c "^flags: .*F" /proc/sys/fs/binfmt_misc/qemu-aarch64']).stdout.trim()).toBe('1');
    run('docker', ['context', 'rm', '--force', builder]);
  });
});

describe('two nx run-many at once on the same builder', () => {
  it('both succeed', async () => {
    const workspaces = ['one', 'two'].map((label) => new Workspace(`parallel-${label}`, [service(`parallel-${label}`)]));
    const started = Date.now();
    const codes = await Promise.all(
      workspaces.map(
        (ws) =>
          new Promise<number>((resolve) =>
            spawn(process.execPath, [join(ws.dir, 'node_modules/nx/dist/bin/nx.js'), 'run-many', '-t', 'docker-multiarch'], {
              cwd: ws.dir,
              env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
              stdio: 'ignore',
            }).on('exit', (code) => resolve(code ?? 1)),
          ),
      ),
    );
    figure('parallel runs', `2 nx processes, exit codes ${codes.join(' ')}, ${((Date.now() - started) / 1000).toFixed(1)}s`);
    expect(codes).toEqual([0, 0]);
    for (const label of ['one', 'two']) expect(registryPlatforms(imageRef(`parallel-${label}`))).toEqual(PLATFORMS);
  });
});

describe('keep-going (the default) with one of 8 services broken', () => {
  it('pushes the 7 others and reports the 1', () => {
    const names = Array.from({ length: 8 }, (_, i) => `keep-${i}`);
    const ws = new Workspace(
      'keep-going',
      names.map((name, i) => (i === 3 ? service(name, `FROM ${BASE_IMAGE}\nRUN echo "keep-3 is broken" >&2; exit 1\n`) : service(name))),
    );
    // The CI reports (results/ci-summary.ts): GitHub's job summary, and JUnit XML at a path relative to the workspace.
    const reports = mkdtempSync(join(tmpdir(), 'crossbake-keep-going-'));
    const summaryFile = join(reports, 'step-summary.md');
    writeFileSync(summaryFile, '## An earlier step\n');
    const result = ws.nx(['run-many', '-t', 'docker-multiarch'], {
      GITHUB_STEP_SUMMARY: summaryFile,
      NX_CROSSBAKE_JUNIT: 'reports/nx-crossbake.xml',
    });
    expect(result.code).not.toBe(0);
    const pushed = names.filter((name) => run('docker', ['buildx', 'imagetools', 'inspect', imageRef(name)]).code === 0);
    figure('keep-going', `${pushed.length} of 8 services pushed, ${ws.bakeCalls().length} bakes`);
    expect(pushed).toEqual(names.filter((n) => n !== 'keep-3'));
    expect(result.output).toMatch(/^keep-3\s+failed\s/m);
    expect(result.output).toContain('keep-3 is broken');
    // The summary counts every bake, the retry of what the failure cancelled included, and the retry says why.
    const bakes = ws.bakeCalls().length;
    expect(result.output).toMatch(new RegExp(`^nx-crossbake: ${bakes} bake\\(s\\) in `, 'm'));
    if (bakes > 1)
      expect(result.output).toMatch(/keep-3 failed, and bake stopped \d+ other task\(s\) with it: baking keep-\d.* again, without it/);
    expect(JSON.parse(ws.read('dist/nx-crossbake/apps/keep-0/docker-multiarch/image.json')).status).toBe('built');

    // Appended after what the earlier step wrote: a row per task (one section per batch), then keep-3's cause.
    const summary = readFileSync(summaryFile, 'utf8');
    expect(summary).toMatch(/^## An earlier step\n\n### nx-crossbake: /);
    expect(summary).toContain('| Task | Status | Platforms | Digest | Tags | Time | Checks |');
    const rows = [...summary.matchAll(/^\| (keep-\d) \| (\w+) \| linux\/amd64, linux\/arm64 \|/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(rows.sort()).toEqual(names.map((n) => `${n} ${n === 'keep-3' ? 'failed' : 'pushed'}`));
    expect(summary).toMatch(/\*\*keep-3\*\* failed:\n\n```text\n[^`]*keep-3 is broken[^`]*\n```\n/);

    // JUnit: a test case per task, the broken one failed with its cause.
    const junit = ws.read('reports/nx-crossbake.xml');
    const testcases = junit.match(/<testcase [\s\S]*?<\/testcase>/g) ?? [];
    expect(testcases).toHaveLength(8);
    const failing = testcases.filter((t) => t.includes('<failure '));
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatch(/^<testcase classname="keep-3" name="keep-3:docker-multiarch" time="[\d.]+">/);
    expect(failing[0]).toContain('keep-3 is broken');
    expect(junit).toMatch(/<testsuites name="nx-crossbake" tests="8" failures="1" /);
  });
});
