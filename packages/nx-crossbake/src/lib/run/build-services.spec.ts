import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { DockerCli } from '../docker/docker-cli';
import { fakeDocker, inspectText, makeWorkspace } from '../../../test-support/fake-docker';
import type { MultiarchExecutorSchema } from '../options/schemas/multiarch';
import { buildServices, type ServiceRequest } from './build-services';
import { usePrivateStateDir } from '../../../test-support/state-dir';

const push = (name: string, extra: MultiarchExecutorSchema = {}): MultiarchExecutorSchema => ({
  platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
  tags: [`127.0.0.1:5000/acme/${name}:latest`],
  push: true,
  ...extra,
});

const request = (name: string, root: string, options: MultiarchExecutorSchema): ServiceRequest => ({
  id: `${name}:docker-multiarch`,
  project: { name, root },
  options,
});

async function run(
  requests: ServiceRequest[],
  docker = fakeDocker(),
  roots = requests.map((r) => r.project.root),
  extra: { print?: boolean; dockerfiles?: Record<string, string>; gitLog?: string } = {},
) {
  const workspaceRoot = makeWorkspace(roots);
  for (const [root, text] of Object.entries(extra.dockerfiles ?? {})) writeFileSync(join(workspaceRoot, root, 'Dockerfile'), text);
  const logs: string[] = [];
  const results = await buildServices({
    print: extra.print,
    workspaceRoot,
    requests,
    cli: new DockerCli(docker.exec),
    // git answers only `git log` (the source date), when the test gives it an answer
    exec: (file, args, options) =>
      file === 'git' && args.includes('log') && extra.gitLog
        ? Promise.resolve({ exitCode: 0, stdout: extra.gitLog, stderr: '' })
        : docker.exec(file, args, options),
    log: (m) => logs.push(m),
    // Every platform native: emulator detection has its own spec.
    environment: { native: ['linux/amd64', 'linux/arm64', 'linux/arm'], readBinfmt: () => [] },
    setupOptionsFor: (builder) => (builder === 'nx-crossbake' ? { driver: 'docker' } : undefined),
  });
  const bakeCalls = docker.calls.filter((c) => c.includes('bake'));
  return { workspaceRoot, results, logs: logs.join('\n'), bakeCalls, docker };
}

usePrivateStateDir();

describe('buildServices', () => {
  const three = [
    request('@acme/api', 'apps/api', push('api')),
    request('worker', 'apps/worker', push('worker')),
    request('web', 'apps/web', push('web')),
  ];

  it('builds every project with ONE bake whose file has a target per project with all its platforms', async () => {
    const { results, bakeCalls, docker } = await run(three);
    expect(bakeCalls).toHaveLength(1);
    expect(docker.bakes).toHaveLength(1);
    expect(Object.keys(docker.bakes[0].target)).toEqual(['acme_api', 'worker', 'web']);
    for (const target of Object.values(docker.bakes[0].target)) {
      expect(target.platforms).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
      expect(target.output).toEqual(['type=image,push=true']);
    }
    expect([...results.values()].map((r) => [r.project, r.status, r.digest, r.durationMs])).toEqual([
      ['@acme/api', 'built', 'sha256:acme_api', 4500],
      ['worker', 'built', 'sha256:worker', 4500],
      ['web', 'built', 'sha256:web', 4500],
    ]);
  });

  it('runs bake in the workspace with the bake and metadata files of this run', async () => {
    const { bakeCalls, workspaceRoot } = await run(three);
    const argv = bakeCalls[0];
    const bakeFile = argv[argv.indexOf('--file') + 1];
    // outside the workspace, so no build context ever holds it: a private folder of this user's
    expect(bakeFile).toMatch(/\/runs\/[^/]+\/docker-bake\.json$/);
    expect(relative(workspaceRoot, bakeFile).startsWith('..')).toBe(true);
    expect(argv[argv.indexOf('--metadata-file') + 1]).toBe(bakeFile.replace('docker-bake.json', 'metadata.json'));
    expect(existsSync(bakeFile)).toBe(true);
    expect(statSync(dirname(bakeFile)).mode & 0o777).toBe(0o700);
    // the docker driver's builder is a context: selected with --context, never made current
    expect(argv.slice(0, 4)).toEqual(['--context', 'nx-crossbake', 'buildx', 'bake']);
  });

  it('makes the builder ready once, before the bake, with the setup options of the workspace', async () => {
    const { docker } = await run(three);
    const commands = docker.calls.map((c) => c.join(' '));
    const create = commands.filter((c) => c.startsWith('context create nx-crossbake'));
    expect(create).toHaveLength(1);
    expect(commands.indexOf(create[0])).toBeLessThan(commands.findIndex((c) => c.includes(' bake ')));
    expect(docker.builders.has('nx-crossbake')).toBe(true);
  });

  it('uses a builder as it is with setup: false, only asking how to reach it', async () => {
    const docker = fakeDocker({ builders: { mine: inspectText('mine', 'docker-container', ['linux/amd64', 'linux/arm64']) } });
    const { bakeCalls } = await run(
      [request('api', 'apps/api', push('api', { setup: false, builder: 'mine', platforms: ['linux/amd64'] }))],
      docker,
    );
    expect(docker.calls.map((c) => c.slice(0, 2).join(' ')).filter((c) => c !== 'buildx version')).toEqual([
      'buildx inspect',
      'buildx --builder',
      'buildx --builder',
    ]);
    expect(bakeCalls[0].slice(0, 4)).toEqual(['buildx', '--builder', 'mine', 'bake']);
  });

  it('says so when a builder it must not manage does not exist', async () => {
    const { results, bakeCalls } = await run([request('api', 'apps/api', push('api', { setup: false, builder: 'gone' }))]);
    expect(bakeCalls).toHaveLength(0);
    expect(results.get('api:docker-multiarch')!.error).toContain("builder 'gone' does not exist: create it, or set 'setup: true'");
  });

  it('builds nothing on a builder that cannot serve a platform, and says which', async () => {
    const docker = fakeDocker({ servedPlatforms: ['linux/amd64'] });
    const { results, bakeCalls } = await run([three[1]], docker);
    expect(bakeCalls).toHaveLength(0);
    expect(results.get('worker:docker-multiarch')!.error).toContain(
      "builder 'nx-crossbake' cannot build linux/arm64 (it serves linux/amd64)",
    );
    expect(results.get('worker:docker-multiarch')!.error).toContain(
      "builder 'nx-crossbake' cannot build linux/arm/v7 (it serves linux/amd64)",
    );
  });

  it('refuses only the tasks that ask for a platform the builder cannot serve, and their dependents', async () => {
    const docker = fakeDocker({ servedPlatforms: ['linux/amd64'] });
    const amd64 = (name: string) => push(name, { platforms: ['linux/amd64'] });
    const { results, docker: d } = await run(
      [request('base', 'apps/base', push('base')), request('api', 'apps/api', amd64('api')), request('web', 'apps/web', amd64('web'))],
      docker,
      undefined,
      { dockerfiles: { 'apps/api': 'FROM 127.0.0.1:5000/acme/base:latest\n' } },
    );
    expect(results.get('base:docker-multiarch')!.error).toContain('cannot build linux/arm64');
    expect(results.get('api:docker-multiarch')).toMatchObject({
      status: 'invalid',
      error: "not built: it is built FROM 'base', which is not built in this run (see its own error)",
    });
    expect(results.get('web:docker-multiarch')!.status).toBe('built');
    expect(d.bakes.map((b) => Object.keys(b.target))).toEqual([['web']]);
  });

  it('writes a JSON report per project and prints one summary table', async () => {
    const { workspaceRoot, logs } = await run(three);
    const report = JSON.parse(readFileSync(join(workspaceRoot, 'dist/nx-crossbake/apps/api/docker-multiarch/image.json'), 'utf8'));
    expect(report).toMatchObject({
      project: '@acme/api',
      status: 'built',
      digest: 'sha256:acme_api',
      platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
      tags: ['127.0.0.1:5000/acme/api:latest'],
      durationMs: 4500,
    });
    expect(logs).toMatch(/PROJECT\s+STATUS\s+PLATFORMS\s+DIGEST\s+TIME/);
    expect(logs.match(/^(@acme\/api|worker|web)\s+pushed\s/gm)).toHaveLength(3);
    expect(logs).toMatch(/1 bake\(s\) in \d+\.\ds; builder setup \d+\.\ds; plugin overhead \d+\.\ds/);
  });

  it('with keep-going off, reports a failing target against its project, and the others as cancelled, not built', async () => {
    const failFast = three.map((r) => ({ ...r, options: { ...r.options, 'keep-going': false } }));
    const { results } = await run(failFast, fakeDocker({ failTargets: ['worker'] }));
    const worker = results.get('worker:docker-multiarch')!;
    expect(worker.status).toBe('failed');
    expect(worker.error).toContain('boom in worker');
    expect(worker.error).toContain('ERROR: target worker: failed to solve');
    for (const id of ['@acme/api:docker-multiarch', 'web:docker-multiarch']) {
      expect(results.get(id)!.status).toBe('cancelled');
      expect(results.get(id)!.digest).toBeUndefined();
      expect(results.get(id)!.error).toContain('(worker failed)');
    }
  });

  it('fails every project with the end of the output when bake names no target', async () => {
    const { results } = await run(three, fakeDocker({ bakeExitCode: 1, bakeStderr: 'ERROR: failed to read bake file' }));
    for (const result of results.values()) {
      expect(result.status).toBe('failed');
      expect(result.error).toBe('docker buildx bake exited with code 1:\nERROR: failed to read bake file');
    }
  });

  it("leads a failed task's error with the Dockerfile line buildx named, and writes it as fields in the report", async () => {
    const recorded = readFileSync(join(__dirname, '..', '__fixtures__', 'bake-failure.copy-missing.plain.txt'), 'utf8');
    const { results, workspaceRoot } = await run(
      [request('copy-missing', 'apps/copy-missing', push('copy-missing'))],
      fakeDocker({ bakeExitCode: 1, bakeStderr: recorded }),
    );
    const result = results.get('copy-missing:docker-multiarch')!;
    expect(result.status).toBe('failed');
    expect(result.error!.split('\n').slice(0, 2)).toEqual([
      'failed at Dockerfile:2 [2/2] COPY does-not-exist.txt /x',
      '  2 | COPY does-not-exist.txt /x',
    ]);
    const report = JSON.parse(readFileSync(join(workspaceRoot, 'dist/nx-crossbake/apps/copy-missing/docker-multiarch/image.json'), 'utf8'));
    expect(report.failure).toEqual({
      step: '[2/2] COPY does-not-exist.txt /x',
      file: 'Dockerfile',
      line: 2,
      source: ['COPY does-not-exist.txt /x'],
      message: expect.stringMatching(/^failed to solve: .*"\/does-not-exist.txt": not found$/),
    });
  });

  it('rejects bad options before building, and still builds the good projects', async () => {
    const { results, docker } = await run([
      request('@acme/api', 'apps/api', push('api', { platforms: 'linux/amd64', push: 'yes' as unknown as boolean })),
      request('worker', 'apps/worker', push('worker')),
    ]);
    expect(results.get('@acme/api:docker-multiarch')).toMatchObject({ status: 'invalid' });
    expect(results.get('@acme/api:docker-multiarch')!.error).toContain("'push' is 'yes'");
    expect(Object.keys(docker.bakes[0].target)).toEqual(['worker']);
  });

  it('starts no bake when no project is fit to build', async () => {
    const { results, bakeCalls } = await run([request('api', 'apps/api', push('api'))], fakeDocker(), []);
    expect(bakeCalls).toHaveLength(0);
    expect(results.get('api:docker-multiarch')!.error).toContain("Dockerfile 'apps/api/Dockerfile' does not exist");
  });

  it('says docker is missing, for every project, without building', async () => {
    const { results, bakeCalls } = await run(
      three,
      fakeDocker({ buildx: { exitCode: 127, stdout: '', stderr: 'docker: command not found' } }),
    );
    expect(bakeCalls).toHaveLength(0);
    for (const result of results.values()) {
      expect(result).toMatchObject({ status: 'invalid' });
      expect(result.error).toContain("'docker' was not found on PATH");
    }
  });

  it('says buildx is missing', async () => {
    const docker = fakeDocker({ buildx: { exitCode: 1, stdout: '', stderr: "docker: 'buildx' is not a docker command." } });
    const { results } = await run([three[1]], docker);
    expect(results.get('worker:docker-multiarch')!.error).toContain('docker buildx is not available');
  });

  it('refuses to load several platforms into an engine without the containerd image store, before building', async () => {
    const docker = fakeDocker({ driverStatus: '[["Backing Filesystem","extfs"]]' });
    const { results, docker: d } = await run(
      [request('api', 'apps/api', { platforms: ['linux/amd64', 'linux/arm64'], load: true }), three[1]],
      docker,
    );
    expect(results.get('api:docker-multiarch')!.error).toContain(
      "'load: true' with 2 platforms needs an engine with the containerd image store",
    );
    expect(Object.keys(d.bakes[0].target)).toEqual(['worker']);
  });

  it('asks the engine about its image store only when a multi-platform load needs it', async () => {
    const { docker } = await run(three);
    expect(docker.calls.some((c) => c[0] === 'info')).toBe(false);
  });

  it('runs one bake per builder named, each on its own builder', async () => {
    const docker = fakeDocker({
      builders: { crossbake: inspectText('crossbake', 'docker-container', ['linux/amd64', 'linux/arm64', 'linux/arm/v7']) },
    });
    const { bakeCalls } = await run(
      [
        request('a', 'apps/a', push('a', { builder: 'crossbake', setup: false })),
        request('b', 'apps/b', push('b')),
        request('c', 'apps/c', push('c', { builder: 'crossbake', setup: false })),
      ],
      docker,
    );
    expect(bakeCalls).toHaveLength(2);
    expect(bakeCalls[0].slice(0, 4)).toEqual(['buildx', '--builder', 'crossbake', 'bake']);
    expect(bakeCalls[0][bakeCalls[0].indexOf('--file') + 1]).toMatch(/docker-bake\.crossbake\.json$/);
    expect(Object.keys(docker.bakes[0].target)).toEqual(['a', 'c']);
    expect(bakeCalls[1].slice(0, 4)).toEqual(['--context', 'nx-crossbake', 'buildx', 'bake']);
    expect(Object.keys(docker.bakes[1].target)).toEqual(['b']);
  });

  it('links a project built FROM a sibling in the same bake with a named context', async () => {
    const { docker, results } = await run(
      [request('base', 'apps/base', push('base')), request('api', 'apps/api', push('api'))],
      fakeDocker(),
      undefined,
      { dockerfiles: { 'apps/api': 'FROM 127.0.0.1:5000/acme/base:latest\nRUN true\n' } },
    );
    expect(docker.bakes[0].target.api.contexts).toEqual({ '127.0.0.1:5000/acme/base': 'target:base' });
    expect([...results.values()].map((r) => r.status)).toEqual(['built', 'built']);
  });

  it('rejects a dependent whose sibling base lacks one of its platforms, and builds the rest', async () => {
    const { docker, results } = await run(
      [request('base', 'apps/base', push('base', { platforms: ['linux/amd64'] })), request('api', 'apps/api', push('api'))],
      fakeDocker(),
      undefined,
      { dockerfiles: { 'apps/api': 'FROM 127.0.0.1:5000/acme/base:latest\n' } },
    );
    expect(results.get('api:docker-multiarch')!.error).toContain("'base' is not built for linux/arm64, linux/arm/v7");
    expect(Object.keys(docker.bakes[0].target)).toEqual(['base']);
  });

  it('prints the bake file and the exact command, and builds, sets up and reports nothing', async () => {
    const { docker, logs, results, workspaceRoot } = await run(three, fakeDocker(), undefined, { print: true });
    expect(docker.bakes).toHaveLength(0);
    expect(docker.calls.map((c) => c.slice(0, 2).join(' '))).toEqual(['buildx inspect']);
    const json = logs.slice(logs.indexOf('{\n'), logs.indexOf('\n# run from'));
    expect(Object.keys(JSON.parse(json).target)).toEqual(['acme_api', 'worker', 'web']);
    expect(logs).toMatch(
      /^docker --context nx-crossbake buildx bake --file \S+\/runs\/[^/]+\/docker-bake\.json --metadata-file \S+ --progress plain$/m,
    );
    expect([...results.values()].every((r) => r.status === 'planned')).toBe(true);
    expect(existsSync(join(workspaceRoot, 'dist/nx-crossbake'))).toBe(false);
  });

  it('keeps going by default: bakes again what the failure cancelled, and builds it, and says so', async () => {
    const { results, bakeCalls, docker, logs } = await run(three, fakeDocker({ failTargets: ['worker'] }));
    expect(bakeCalls).toHaveLength(2);
    expect(logs).toContain(
      'nx-crossbake: worker failed, and bake stopped 2 other task(s) with it: baking @acme/api, web again, without it',
    );
    // The summary counts both bakes.
    expect(logs).toMatch(/^nx-crossbake: 2 bake\(s\) in /m);
    expect(Object.keys(docker.bakes[1].target)).toEqual(['acme_api', 'web']);
    expect(bakeCalls[1][bakeCalls[1].indexOf('--file') + 1]).toMatch(/docker-bake\.retry-1\.json$/);
    expect([...results.values()].map((r) => [r.project, r.status])).toEqual([
      ['@acme/api', 'built'],
      ['worker', 'failed'],
      ['web', 'built'],
    ]);
  });

  it('bakes each project alone when bake refuses the whole bake, so the refusal lands on the one that caused it', async () => {
    const { results, docker, logs } = await run(three, fakeDocker({ refuseBakeWith: 'worker' }));
    expect(docker.bakes.map((b) => Object.keys(b.target))).toEqual([['acme_api', 'worker', 'web'], ['acme_api'], ['worker'], ['web']]);
    expect([...results.values()].map((r) => [r.project, r.status])).toEqual([
      ['@acme/api', 'built'],
      ['worker', 'failed'],
      ['web', 'built'],
    ]);
    expect(results.get('worker:docker-multiarch')!.error).toContain('additional privileges requested');
    expect(logs).toContain('bake failed without naming a target; baking each of 3 units alone');
  });

  it('builds two multiarch targets of one project as two bake targets, each with its own tags, report and result', async () => {
    const two = [
      request('two', 'apps/two', push('two', { tags: ['127.0.0.1:5000/acme/two:plain'] })),
      {
        ...request('two', 'apps/two', push('two', { tags: ['127.0.0.1:5000/acme/two:debug'] })),
        id: 'two:docker-multiarch-debug',
        project: { name: 'two', root: 'apps/two', targetName: 'docker-multiarch-debug' },
      },
    ];
    const { results, docker, workspaceRoot, logs } = await run(two, fakeDocker(), ['apps/two']);
    expect(docker.bakes).toHaveLength(1);
    expect(Object.fromEntries(Object.entries(docker.bakes[0].target).map(([name, t]) => [name, t.tags]))).toEqual({
      two: ['127.0.0.1:5000/acme/two:plain'],
      two_debug: ['127.0.0.1:5000/acme/two:debug'],
    });
    expect(results.get('two:docker-multiarch')).toMatchObject({
      status: 'built',
      digest: 'sha256:two',
      tags: ['127.0.0.1:5000/acme/two:plain'],
    });
    expect(results.get('two:docker-multiarch-debug')).toMatchObject({
      status: 'built',
      digest: 'sha256:two_debug',
      tags: ['127.0.0.1:5000/acme/two:debug'],
    });
    const report = (target: string) =>
      JSON.parse(readFileSync(join(workspaceRoot, `dist/nx-crossbake/apps/two/${target}/image.json`), 'utf8'));
    expect(report('docker-multiarch').digest).toBe('sha256:two');
    expect(report('docker-multiarch-debug').digest).toBe('sha256:two_debug');
    expect(logs).toMatch(/^two:docker-multiarch-debug\s+pushed\s/m);
    // each task reads and writes its own registry cache
    expect(docker.bakes[0].target.two['cache-to']).toEqual([expect.stringContaining('acme/two:buildcache,')]);
    expect(docker.bakes[0].target.two_debug['cache-to']).toEqual([expect.stringContaining('acme/two:buildcache-docker-multiarch-debug,')]);
  });

  it('reports nothing built that the metadata file does not record, even when bake exits 0', async () => {
    const { results } = await run(three, fakeDocker({ unrecordedTargets: ['web'] }));
    expect(results.get('web:docker-multiarch')!.status).toBe('failed');
    expect(results.get('web:docker-multiarch')!.digest).toBeUndefined();
    expect(results.get('web:docker-multiarch')!.error).toContain("no record of target 'web'");
    expect(results.get('worker:docker-multiarch')!.status).toBe('built');
  });

  it('grants bake exactly the privileges its targets ask for: a secret file outside the workspace', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'crossbake-secret-'));
    writeFileSync(join(outside, 'token'), 'x');
    const withSecret = request('api', 'apps/api', push('api', { secrets: [`id=tok,src=${join(outside, 'token')}`] }));
    const { bakeCalls, results } = await run([withSecret, three[1]]);
    expect(results.get('api:docker-multiarch')!.status).toBe('built');
    const allowed = bakeCalls[0].flatMap((arg, i) => (bakeCalls[0][i - 1] === '--allow' ? [arg] : []));
    expect(allowed).toEqual([`fs.read=${realpathSync(join(outside, 'token'))}`]);
  });

  it('grants nothing when no target asks for a privilege', async () => {
    const { bakeCalls } = await run(three);
    expect(bakeCalls[0]).not.toContain('--allow');
  });

  it('builds with SOURCE_DATE_EPOCH 0, labels the source date as created, and says the docker driver cannot rewrite timestamps', async () => {
    const { docker, logs } = await run([three[1]], fakeDocker(), undefined, {
      gitLog: `\x1e1700000000 ${'a'.repeat(40)}\0\napps/worker/Dockerfile\0`,
    });
    const worker = docker.bakes[0].target.worker;
    expect(worker.args).toEqual({ SOURCE_DATE_EPOCH: '0' });
    expect(worker.labels!['org.opencontainers.image.created']).toBe('2023-11-14T22:13:20.000Z');
    expect(worker.output).toEqual(['type=image,push=true']);
    expect(logs).toContain('whose exporter cannot rewrite timestamps');
  });

  it('passes the source date as SOURCE_DATE_EPOCH with source-date-epoch: commit', async () => {
    const { docker } = await run(
      [request('worker', 'apps/worker', push('worker', { 'source-date-epoch': 'commit' }))],
      fakeDocker(),
      undefined,
      {
        gitLog: `\x1e1700000000 ${'a'.repeat(40)}\0\napps/worker/Dockerfile\0`,
      },
    );
    expect(docker.bakes[0].target.worker.args).toEqual({ SOURCE_DATE_EPOCH: '1700000000' });
    expect(docker.bakes[0].target.worker.labels!['org.opencontainers.image.created']).toBe('2023-11-14T22:13:20.000Z');
  });

  it('leaves build args, labels and outputs alone with reproducible: false', async () => {
    const { docker, logs } = await run(
      [request('worker', 'apps/worker', push('worker', { reproducible: false }))],
      fakeDocker(),
      undefined,
      { gitLog: `\x1e1700000000 ${'a'.repeat(40)}\0\napps/worker/Dockerfile\0` },
    );
    expect(docker.bakes[0].target.worker.args).toBeUndefined();
    expect(docker.bakes[0].target.worker.labels!['org.opencontainers.image.created']).not.toBe('2023-11-14T22:13:20.000Z');
    expect(logs).not.toContain('cannot rewrite timestamps');
  });

  it('does not retry a dependent whose sibling base failed', async () => {
    const { results, docker } = await run(
      [request('base', 'apps/base', push('base')), request('api', 'apps/api', push('api')), request('web', 'apps/web', push('web'))],
      fakeDocker({ failTargets: ['base'] }),
      undefined,
      { dockerfiles: { 'apps/api': 'FROM 127.0.0.1:5000/acme/base:latest\n' } },
    );
    expect(docker.bakes.map((b) => Object.keys(b.target))).toEqual([['base', 'api', 'web'], ['web']]);
    expect(results.get('api:docker-multiarch')).toMatchObject({
      status: 'failed',
      error: "not built: it is built FROM 'base', which failed",
    });
    expect(results.get('web:docker-multiarch')!.status).toBe('built');
  });

  describe('build checks', () => {
    const finding = { rule: 'FromAsCasing', line: 1, message: "'as' and 'FROM' keywords' casing do not match" };

    it('check: error checks first, fails the task with findings alone before the bake, and builds the others', async () => {
      const { results, docker, bakeCalls, logs } = await run(
        [
          request('gate', 'apps/gate', push('gate', { check: 'error' })),
          request('clean', 'apps/clean', push('clean', { check: 'error' })),
          request('web', 'apps/web', push('web')),
        ],
        fakeDocker({ checks: { gate: { findings: [finding] } } }),
      );
      const [check, bake] = bakeCalls;
      expect(check).toEqual(expect.arrayContaining(['--call', 'check,format=json', 'gate', 'clean']));
      expect(check).not.toContain('web');
      expect(bake).not.toContain('--call');
      expect(Object.keys(docker.bakes[0].target)).toEqual(['clean', 'web']);
      const gate = results.get('gate:docker-multiarch')!;
      expect(gate).toMatchObject({ status: 'failed', checks: [{ ...finding, file: 'apps/gate/Dockerfile' }] });
      expect(gate.error).toMatch(
        /^check: error: 1 build-check finding\(s\); nothing was built:\n {2}FromAsCasing at apps\/gate\/Dockerfile:1: /,
      );
      expect(results.get('clean:docker-multiarch')!.status).toBe('built');
      expect(results.get('web:docker-multiarch')!.status).toBe('built');
      expect(logs).toContain('build checks (check: error) of 2 task(s)');
      expect(logs).toMatch(/: gate not built/);
    });

    it("fails a task whose Dockerfile could not be checked (a base image not there) with buildx's error, and its dependents", async () => {
      const { results, docker } = await run(
        [
          request('base', 'apps/base', push('base', { check: 'error' })),
          request('api', 'apps/api', push('api')),
          request('web', 'apps/web', push('web')),
        ],
        fakeDocker({ checks: { base: { error: 'failed to resolve source metadata for r/nope:1: not found\nDockerfile:1' } } }),
        undefined,
        { dockerfiles: { 'apps/api': 'FROM 127.0.0.1:5000/acme/base:latest\n' } },
      );
      expect(results.get('base:docker-multiarch')!.error).toContain(
        'could not be checked; nothing was built:\nfailed to resolve source metadata for r/nope:1',
      );
      expect(results.get('api:docker-multiarch')!.error).toMatch(/^not built: it is built FROM 'base', which is not built/);
      expect(Object.keys(docker.bakes[0].target)).toEqual(['web']);
    });

    it('checks a task built FROM a sibling against an empty stand-in, and does not hold UndefinedVar against it', async () => {
      const { results, workspaceRoot, bakeCalls } = await run(
        [request('base', 'apps/base', push('base')), request('api', 'apps/api', push('api', { check: 'error' }))],
        fakeDocker({ checks: { api: { findings: [{ rule: 'UndefinedVar', line: 2, message: "Usage of undefined variable '$FOO'" }] } } }),
        undefined,
        { dockerfiles: { 'apps/api': 'FROM 127.0.0.1:5000/acme/base:latest\nENV X=$FOO\n' } },
      );
      const checkFile = JSON.parse(readFileSync(resolve(workspaceRoot, bakeCalls[0][bakeCalls[0].indexOf('--file') + 1]), 'utf8'));
      expect(checkFile.target.api.contexts['127.0.0.1:5000/acme/base']).toMatch(/check-stand-in$/);
      expect(Object.keys(checkFile.target)).toEqual(['api']);
      expect([...results.values()].map((r) => r.status)).toEqual(['built', 'built']);
    });

    it('gives each task the build warnings about its own Dockerfile, and none to check: off, whose checks are switched off', async () => {
      const text = 'FROM scratch\n';
      const { results, docker, logs, workspaceRoot } = await run(
        [
          request('api', 'apps/api', push('api')),
          request('quiet', 'apps/quiet', push('quiet', { check: 'off' })),
          request('web', 'apps/web', push('web')),
        ],
        fakeDocker({ warnings: [{ dockerfile: text, ...finding }] }),
        undefined,
        { dockerfiles: { 'apps/web': 'FROM scratch\nRUN true\n' } },
      );
      expect(results.get('api:docker-multiarch')!.checks).toEqual([
        { ...finding, file: 'apps/api/Dockerfile', url: 'https://docs.docker.com/go/dockerfile/rule/fromascasing/' },
      ]);
      expect(results.get('quiet:docker-multiarch')!.checks).toBeUndefined();
      expect(results.get('web:docker-multiarch')!.checks).toBeUndefined();
      expect(docker.bakes[0].target.quiet.args).toMatchObject({ BUILDKIT_DOCKERFILE_CHECK: 'skip=all' });
      expect(docker.bakes[0].target.api.args).not.toHaveProperty('BUILDKIT_DOCKERFILE_CHECK');
      expect(logs).toContain("check warning for api: FromAsCasing at apps/api/Dockerfile:1: 'as' and 'FROM' keywords' casing do not match");
      const report = JSON.parse(readFileSync(join(workspaceRoot, 'dist/nx-crossbake/apps/api/docker-multiarch/image.json'), 'utf8'));
      expect(report.checks).toEqual(results.get('api:docker-multiarch')!.checks);
    });

    it('runs no check when no task asks for check: error', async () => {
      const { bakeCalls } = await run(three);
      expect(bakeCalls.flat()).not.toContain('--call');
    });
  });
});
