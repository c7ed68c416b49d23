import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_IMAGE, imageRef, registryPlatforms, run, Workspace } from './support/workspace';

const ok = `FROM ${BASE_IMAGE}\nRUN echo ok > /ok\n`;

describe('bad input is reported per project before anything is built', () => {
  let ws: Workspace;
  let result: ReturnType<Workspace['nx']>;

  beforeAll(() => {
    ws = new Workspace('bad-input', [
      { name: 'no-dockerfile', root: 'apps/no-dockerfile', options: { tags: [imageRef('x')], push: true } },
      {
        name: 'bad-platform',
        root: 'apps/bad-platform',
        dockerfile: ok,
        options: { platforms: ['linux/armv7'], tags: [imageRef('x')], push: true },
      },
      { name: 'bad-tag', root: 'apps/bad-tag', dockerfile: ok, options: { tags: ['127.0.0.1:5000/Acme/API:latest'], push: true } },
      { name: 'no-output', root: 'apps/no-output', dockerfile: ok, options: { tags: [imageRef('x')] } },
      { name: 'push-no-tags', root: 'apps/push-no-tags', dockerfile: ok, options: { push: true } },
    ]);
    result = ws.nx(['run-many', '-t', 'docker-multiarch']);
  });

  it('fails the run', () => {
    expect(result.code).not.toBe(0);
  });

  it.each([
    ['no-dockerfile', "Dockerfile 'apps/no-dockerfile/Dockerfile' does not exist"],
    ['bad-platform', "platform 'linux/armv7' has an unknown architecture 'armv7': did you mean 'linux/arm/v7'?"],
    ['bad-tag', "tag '127.0.0.1:5000/Acme/API:latest' is not a valid image reference: repository names must be lowercase ('Acme')"],
    ['no-output', "nothing would be produced: set 'push: true', 'load: true' or list 'outputs'"],
    ['push-no-tags', "'push' is true but 'tags' is empty"],
  ])('%s: says what is wrong, naming the project', (project, message) => {
    expect(result.output).toContain(`project '${project}' has invalid docker-multiarch options`);
    expect(result.output).toContain(message);
    expect(JSON.parse(ws.read(`dist/nx-crossbake/apps/${project}/docker-multiarch/image.json`))).toMatchObject({
      project,
      status: 'invalid',
    });
  });

  it('started no bake', () => {
    expect(ws.bakeCalls()).toEqual([]);
  });
});

describe('an unknown option', () => {
  it.each([
    ['batch', []],
    ['one task at a time', ['--batch=false']],
  ])('is rejected by name (%s), and nothing is built', (_mode, flags) => {
    const ws = new Workspace('unknown-option', [
      {
        name: 'api',
        root: 'apps/api',
        dockerfile: ok,
        options: { tags: [imageRef('unknown')], push: true, dockerfile: 'Dockerfile.prod' },
      },
    ]);
    const result = ws.nx(['run-many', '-t', 'docker-multiarch', ...flags]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("project 'api' has invalid docker-multiarch options");
    expect(result.output).toContain("unknown option 'dockerfile': did you mean 'file'?");
    expect(ws.bakeCalls()).toEqual([]);
  });
});

describe('a failing build among several, with keep-going off (bake is fail-fast)', () => {
  let ws: Workspace;
  let result: ReturnType<Workspace['nx']>;

  beforeAll(() => {
    const platforms = ['linux/amd64', 'linux/arm64'];
    const options = (name: string) => ({ platforms, tags: [imageRef(`fail-${name}`)], push: true, 'keep-going': false });
    ws = new Workspace('failure', [
      { name: 'good-a', root: 'apps/good-a', dockerfile: ok, options: options('good-a') },
      {
        name: 'broken',
        root: 'apps/broken',
        dockerfile: `FROM ${BASE_IMAGE}\nRUN echo "compiling broken"; echo "broken.c:3: error: expected ';'" >&2; exit 3\n`,
        options: options('broken'),
      },
      { name: 'slow', root: 'apps/slow', dockerfile: `FROM ${BASE_IMAGE}\nRUN sleep 20\n`, options: options('slow') },
    ]);
    result = ws.nx(['run-many', '-t', 'docker-multiarch']);
  });

  it('fails the run after one bake', () => {
    expect(result.code).not.toBe(0);
    expect(ws.bakeCalls()).toHaveLength(1);
  });

  it("reports the failure against its project with the end of buildx's error", () => {
    const report = JSON.parse(ws.read('dist/nx-crossbake/apps/broken/docker-multiarch/image.json'));
    expect(report.status).toBe('failed');
    expect(report.error).toContain("broken.c:3: error: expected ';'");
    expect(report.error).toMatch(/ERROR: target broken: failed to solve: .*exit code: 3/);
    expect(result.output).toMatch(/^broken\s+failed\s/m);
    expect(result.output).toContain("broken.c:3: error: expected ';'");
  });

  it('does not claim success for what bake cancelled or left unconfirmed', () => {
    for (const project of ['good-a', 'slow']) {
      const report = JSON.parse(ws.read(`dist/nx-crossbake/apps/${project}/docker-multiarch/image.json`));
      expect(report.status).toBe('cancelled');
      expect(report.digest).toBeUndefined();
      expect(report.error).toContain('(broken failed)');
      expect(result.output).toMatch(new RegExp(`^${project}\\s+cancelled\\s`, 'm'));
    }
    expect(result.output).not.toContain('Successfully ran target');
  });

  it('prints and runs the docker binary CROSSBAKE_DOCKER names, never `docker` on PATH', () => {
    const docker = join(mkdtempSync(join(tmpdir(), 'crossbake-docker-')), 'docker');
    symlinkSync(run('bash', ['-c', 'command -v docker']).stdout.trim(), docker);
    const project = JSON.parse(ws.read('apps/good-a/project.json'));
    project.targets['nx-release-publish'] = { executor: 'nx-crossbake:release-publish' };
    ws.write('apps/good-a/project.json', JSON.stringify(project, null, 2));
    const shimCalls = ws.dockerCalls().length;
    // A dry run prints the bake command instead of running it (`--print` of docker-affected, without git).
    const dry = ws.nx(['run', 'good-a:nx-release-publish'], { NX_DRY_RUN: 'true', CROSSBAKE_DOCKER: docker });
    expect(dry.code).toBe(0);
    const escaped = docker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(dry.output).toMatch(new RegExp(`^${escaped} (--context \\S+ )?buildx (--builder \\S+ )?bake --file `, 'm'));
    expect(dry.output).not.toMatch(/^docker buildx/m);
    // The shim first on PATH logs every `docker` run: none was.
    expect(ws.dockerCalls()).toHaveLength(shimCalls);
  });
});

describe('build checks and failed builds: each task its own findings and cause, a registry cache not there yet never the cause, CI reports of both', () => {
  let ws: Workspace;
  /** The first run: a clean project, one with a check warning, one gated by `check: error` with a finding, and copy-missing. */
  let first: ReturnType<Workspace['nx']>;
  /** The second run: the other broken projects. */
  let second: ReturnType<Workspace['nx']>;
  let summaryFile: string;
  /** Each broken project: its Dockerfile, then what its report must say of where it broke. */
  const broken = {
    'copy-missing': {
      dockerfile: `FROM ${BASE_IMAGE}\nCOPY does-not-exist.txt /x\n`,
      cause: { file: 'Dockerfile', line: 2, source: ['COPY does-not-exist.txt /x'], step: '[2/2] COPY does-not-exist.txt /x' },
      message: /"\/does-not-exist.txt": not found/,
    },
    'run-fails': {
      dockerfile: `FROM ${BASE_IMAGE}\nRUN echo ok\nRUN echo "app.c:7: error: undeclared identifier" >&2 && \\\n    exit 3\n`,
      cause: {
        file: 'Dockerfile',
        line: 3,
        source: ['RUN echo "app.c:7: error: undeclared identifier" >&2 && \\', '    exit 3'],
        step: expect.stringMatching(/^\[3\/3\] RUN echo /),
        platform: expect.stringMatching(/^linux\/(amd64|arm64)$/),
      },
      message: /did not complete successfully: exit code: 3/,
    },
    'bad-base': {
      dockerfile: `FROM 127.0.0.1:5000/crossbake/no-such-image:1\nRUN true\n`,
      cause: { file: 'Dockerfile', line: 1, source: ['FROM 127.0.0.1:5000/crossbake/no-such-image:1'] },
      message: /no-such-image:1.*not found/,
    },
    'unknown-stage': {
      dockerfile: `FROM ${BASE_IMAGE}\nCOPY --from=nostage /app /app\n`,
      cause: { file: 'Dockerfile', line: 2, source: ['COPY --from=nostage /app /app'] },
      message: /nostage/,
    },
  };

  beforeAll(() => {
    const options = (name: string, extra: object = {}) => ({
      platforms: ['linux/amd64', 'linux/arm64'],
      tags: [imageRef(`line-${name}`)],
      push: true,
      cache: 'registry',
      ...extra,
    });
    ws = new Workspace('failure-lines', [
      { name: 'line-ok', root: 'apps/line-ok', dockerfile: ok, options: options('ok') },
      // FromAsCasing: `as` in a FROM written in capitals.
      {
        name: 'line-warn',
        root: 'apps/line-warn',
        dockerfile: `FROM ${BASE_IMAGE} as base\nRUN echo warn > /warn\n`,
        options: options('warn'),
      },
      // JSONArgsRecommended on line 3, under check: error.
      {
        name: 'line-gate',
        root: 'apps/line-gate',
        dockerfile: `FROM ${BASE_IMAGE}\nRUN echo gate > /gate\nCMD cat /gate\n`,
        options: options('gate', { check: 'error' }),
      },
      ...Object.entries(broken).map(([name, b]) => ({ name, root: `apps/${name}`, dockerfile: b.dockerfile, options: options(name) })),
    ]);
    summaryFile = join(mkdtempSync(join(tmpdir(), 'crossbake-checks-')), 'step-summary.md');
    first = ws.nx(['run-many', '-t', 'docker-multiarch', '-p', 'line-ok,line-warn,line-gate,copy-missing'], {
      GITHUB_STEP_SUMMARY: summaryFile,
      NX_CROSSBAKE_JUNIT: 'reports/junit.xml',
    });
    second = ws.nx(['run-many', '-t', 'docker-multiarch', '-p', 'run-fails,bad-base,unknown-stage']);
  });

  const report = (name: string) => JSON.parse(ws.read(`dist/nx-crossbake/apps/${name}/docker-multiarch/image.json`));

  it('pushes the clean project and the one with a check warning, which is reported with rule, line and docs', () => {
    expect(first.code).not.toBe(0);
    expect(first.output).toMatch(/^line-ok\s+pushed\s/m);
    expect(first.output).toMatch(/^line-warn\s+pushed\s/m);
    expect(registryPlatforms(imageRef('line-warn')).sort()).toEqual(['linux/amd64', 'linux/arm64']);
    expect(report('line-ok').checks).toBeUndefined();
    expect(report('line-warn').checks).toEqual([
      {
        rule: 'FromAsCasing',
        file: 'apps/line-warn/Dockerfile',
        line: 1,
        message: "'as' and 'FROM' keywords' casing do not match",
        url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/',
      },
    ]);
    expect(first.output).toContain(
      "check warning for line-warn: FromAsCasing at apps/line-warn/Dockerfile:1: 'as' and 'FROM' keywords' casing do not match",
    );
  });

  it('fails the check: error project alone, before building, with its rule and line', () => {
    const gate = report('line-gate');
    expect(gate.status).toBe('failed');
    expect(gate.checks).toEqual([expect.objectContaining({ rule: 'JSONArgsRecommended', file: 'apps/line-gate/Dockerfile', line: 3 })]);
    expect(gate.error).toMatch(
      /^check: error: 1 build-check finding\(s\); nothing was built:\n {2}JSONArgsRecommended at apps\/line-gate\/Dockerfile:3: /,
    );
    // Not in the bake: no target, nothing in the registry.
    expect(gate.bakeTarget).toBeUndefined();
    expect(run('docker', ['buildx', 'imagetools', 'inspect', imageRef('line-gate')]).code).not.toBe(0);
    expect(first.output).toMatch(/build checks \(check: error\) of 1 task\(s\) in [\d.]+s: line-gate not built/);
  });

  it('writes the job summary table and the JUnit file: 4 test cases, 2 failures', () => {
    const summary = readFileSync(summaryFile, 'utf8');
    expect(summary).toContain('| Task | Status | Platforms | Digest | Tags | Time | Checks |');
    const rows = [...summary.matchAll(/^\| (line-\w+|copy-missing) \| (\w+) \| linux\/amd64, linux\/arm64 \|.*\| (\d+) \|$/gm)].map(
      (m) => `${m[1]} ${m[2]} ${m[3]}`,
    );
    expect(rows.sort()).toEqual(['copy-missing failed 0', 'line-gate failed 1', 'line-ok pushed 0', 'line-warn pushed 1']);
    expect(summary).toContain('- **line-warn**: FromAsCasing at apps/line-warn/Dockerfile:1');
    expect(summary).toMatch(/\*\*copy-missing\*\* failed:\n\n```text\nfailed at Dockerfile:2\b/);

    const junit = ws.read('reports/junit.xml');
    expect(junit).toMatch(/<testsuites name="nx-crossbake" tests="4" failures="2" /);
    const failing = (junit.match(/<testcase [\s\S]*?<\/testcase>/g) ?? []).filter((t) => t.includes('<failure '));
    expect(failing.map((t) => /classname="([^"]+)"/.exec(t)![1]).sort()).toEqual(['copy-missing', 'line-gate']);
  });

  it('fails each broken one with its own cause (keep-going)', () => {
    expect(second.code).not.toBe(0);
    const output = first.output + second.output;
    for (const name of Object.keys(broken))
      expect([name, output]).toEqual([name, expect.stringMatching(new RegExp(`^${name}\\s+failed\\s`, 'm'))]);
  });

  it.each(Object.keys(broken) as (keyof typeof broken)[])(
    '%s: the report leads with Dockerfile:<line> and the source, and has it as fields',
    (name) => {
      const own = report(name);
      expect(own.status).toBe('failed');
      const { cause, message } = broken[name];
      expect(own.failure).toMatchObject(cause);
      expect(own.failure.message).toMatch(message);
      expect(own.error).toMatch(new RegExp(`^failed at Dockerfile:${cause.line}\\b`));
      // The cache ref this first run imports from does not exist yet: BuildKit says so, and it is no one's cause.
      expect(own.error).not.toMatch(/importing cache manifest|cache importer/);
      expect(first.output + second.output).toMatch(new RegExp(`^\\s*failed at Dockerfile:${cause.line}\\b`, 'm'));
    },
  );

  it('shows the failing step its log, whatever the platform', () => {
    expect(report('run-fails').error).toContain('app.c:7: error: undeclared identifier');
  });
});
