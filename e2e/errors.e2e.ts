import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_IMAGE, imageRef, run, Workspace } from './support/workspace';

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

describe('a failed build names its Dockerfile line, and a registry cache not there yet is never its cause', () => {
  let ws: Workspace;
  let result: ReturnType<Workspace['nx']>;
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
    const options = (name: string) => ({
      platforms: ['linux/amd64', 'linux/arm64'],
      tags: [imageRef(`line-${name}`)],
      push: true,
      cache: 'registry',
    });
    ws = new Workspace('failure-lines', [
      { name: 'line-ok', root: 'apps/line-ok', dockerfile: ok, options: options('ok') },
      ...Object.entries(broken).map(([name, b]) => ({ name, root: `apps/${name}`, dockerfile: b.dockerfile, options: options(name) })),
    ]);
    result = ws.nx(['run-many', '-t', 'docker-multiarch']);
  });

  it('pushes the clean project (keep-going), fails each broken one with its own cause', () => {
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/^line-ok\s+pushed\s/m);
    for (const name of Object.keys(broken))
      expect([name, result.output]).toEqual([name, expect.stringMatching(new RegExp(`^${name}\\s+failed\\s`, 'm'))]);
  });

  it.each(Object.keys(broken) as (keyof typeof broken)[])(
    '%s: the report leads with Dockerfile:<line> and the source, and has it as fields',
    (name) => {
      const report = JSON.parse(ws.read(`dist/nx-crossbake/apps/${name}/docker-multiarch/image.json`));
      expect(report.status).toBe('failed');
      const { cause, message } = broken[name];
      expect(report.failure).toMatchObject(cause);
      expect(report.failure.message).toMatch(message);
      expect(report.error).toMatch(new RegExp(`^failed at Dockerfile:${cause.line}\\b`));
      // The cache ref this first run imports from does not exist yet: BuildKit says so, and it is no one's cause.
      expect(report.error).not.toMatch(/importing cache manifest|cache importer/);
      expect(result.output).toMatch(new RegExp(`^\\s*failed at Dockerfile:${cause.line}\\b`, 'm'));
    },
  );

  it('shows the failing step its log, whatever the platform', () => {
    const report = JSON.parse(ws.read('dist/nx-crossbake/apps/run-fails/docker-multiarch/image.json'));
    expect(report.error).toContain('app.c:7: error: undeclared identifier');
  });
});
