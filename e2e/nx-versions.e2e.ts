/**
 * The Nx-facing cases, on the ends of the Nx range (issues #14, #24): Nx 21 on the suite's Node 20, Nx 24 on
 * the rig's Node 24. Nx 22, the middle, is the version every other e2e file runs on (run-many in one bake,
 * affected, inferred targets, generators, release), so it is not repeated here. One workspace per version
 * (support/matrix-workspace.ts), shared by the cases, which run in the order written and build on each other's
 * state (git branches, generated targets): run-many in one bake, inferred targets, `nx graph` image edges,
 * affected (Nx's and the plugin's, with a negative control of the inputs that make Nx 24 select an image built
 * FROM a changed base), every generator, nx release.
 */
import { join } from 'node:path';
import { commitChange, git } from './support/git';
import { createMatrixWorkspace, MATRIX_PLATFORMS, matrixImage, matrixRepository } from './support/matrix-workspace';
import {
  BASE_IMAGE,
  batchFlag,
  installedNx,
  NX_VERSIONS,
  registryPlatforms,
  runImage,
  Workspace,
  type CommandResult,
  type NxVersion,
} from './support/workspace';

const PLATFORMS = MATRIX_PLATFORMS;

/** The command's output when it failed, so a failing expectation shows why; '' when it succeeded. */
const failure = (result: CommandResult) => (result.code === 0 ? '' : result.output.slice(-4000));

/** The JSON document a command printed (Nx may print notices before it). */
function printedJson<T>(result: CommandResult, open: '{' | '['): T {
  if (result.code !== 0) throw new Error(`the command failed:\n${result.output.slice(-4000)}`);
  return JSON.parse(result.stdout.slice(result.stdout.indexOf(open))) as T;
}

interface ShownTarget {
  executor?: string;
  inputs?: (string | { input?: string; dependencies?: boolean; fileset?: string })[];
  options?: Record<string, unknown>;
}
const showProject = (ws: Workspace, project: string) =>
  printedJson<{ targets: Record<string, ShownTarget> }>(ws.nx(['show', 'project', project, '--json']), '{');

/** Target names of the bake file a bake call read. */
const bakeTargets = (ws: Workspace, call: string): string[] => Object.keys(JSON.parse(ws.read(ws.bakeFile(call))).target).sort();

describe.each(NX_VERSIONS.filter((v) => v !== '22'))('Nx %s', (nx: NxVersion) => {
  const image = (name: string) => matrixImage(nx, name);
  const repository = (name: string) => matrixRepository(nx, name);
  let ws: Workspace;
  let started = 0;

  beforeAll(() => {
    started = Date.now();
    process.stderr.write(`[e2e] nx-versions: Nx ${installedNx(nx)}\n`);
    ws = createMatrixWorkspace(nx);
  });

  afterAll(() => {
    process.stderr.write(`[e2e] nx-versions: Nx ${nx} took ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  });

  it(`runs that Nx on its Node, in Nx's own process and in the processes it starts`, () => {
    // Nx 22 on the suite's Node; Nx 24 on the rig's Node 24 (e2e/rig/node.sh), never falling back to Node 20.
    const node = nx !== '24' ? new RegExp(`^${process.versions.node.replace(/\./g, '\\.')}$`) : /^24\./;
    const report = ws.nx(['report']);
    expect([report.code, failure(report)]).toEqual([0, '']);
    expect(report.output).toMatch(new RegExp(`^nx\\s+: ${installedNx(nx).replace(/\./g, '\\.')}$`, 'm'));
    expect(report.output.match(/^Node\s+: (\S+)$/m)?.[1]).toMatch(node);
    const probe = ws.nx(['run', 'probe:node']);
    expect([probe.code, failure(probe)]).toEqual([0, '']);
    expect(probe.output.match(/^node:(\S+)$/m)?.[1]).toMatch(node);
  });

  it('run-many of three projects is one bake, and every image is pushed with its platforms', () => {
    const before = ws.bakeCalls().length;
    const result = ws.nx(['run-many', '-t', 'docker-multiarch', '--projects=base,api,worker', ...batchFlag(nx)]);
    expect([result.code, failure(result)]).toEqual([0, '']);
    const bakes = ws.bakeCalls().slice(before);
    expect(bakes).toHaveLength(1);
    expect(bakeTargets(ws, bakes[0])).toEqual(['api', 'base', 'worker']);
    // api is built FROM the base of this bake, not the registry's.
    expect(JSON.parse(ws.read(ws.bakeFile(bakes[0]))).target.api.contexts).toEqual({ [repository('base')]: 'target:base' });
    for (const name of ['base', 'api', 'worker']) expect(registryPlatforms(image(name))).toEqual(PLATFORMS);
  });

  it('infers the multiarch target of a project that has only a name and a Dockerfile, with its own and its dependencies’ inputs', () => {
    expect(JSON.stringify(JSON.parse(ws.read('nx.json')).plugins)).toContain('nx-crossbake');
    const target = showProject(ws, 'inferred').targets['docker-multiarch'];
    expect(target?.executor).toBe('nx-crossbake:multiarch');
    const inputs = target.inputs ?? [];
    // Own files: the project's files, or a named input (Nx's `default` is the project's files).
    const own = inputs.some((i) =>
      typeof i === 'string'
        ? /^\{projectRoot\}|^default$|^production$/.test(i)
        : !i.dependencies && (/^(default|production)$/.test(i.input ?? '') || /^\{projectRoot\}/.test(i.fileset ?? '')),
    );
    // Dependencies' inputs: what changes an image it is built FROM (`^…`, or `{dependencies: true}`).
    const dependencies = inputs.some((i) => (typeof i === 'string' ? i.startsWith('^') : i.dependencies === true));
    expect({ inputs, own, dependencies }).toEqual({ inputs, own: true, dependencies: true });
  });

  it('nx graph has the image edge api → base, and none from worker', () => {
    const file = join(ws.dir, 'graph.json');
    const result = ws.nx(['graph', `--file=${file}`]);
    expect([result.code, failure(result)]).toEqual([0, '']);
    const graph = JSON.parse(ws.read(file)).graph as { dependencies: Record<string, { source: string; target: string }[]> };
    expect(graph.dependencies.api.map((d) => d.target)).toContain('base');
    expect(graph.dependencies.worker.map((d) => d.target)).not.toContain('base');
  });

  describe('affected', () => {
    const range = ['--base=main', '--head=HEAD'];
    const shownAffected = () =>
      printedJson<string[]>(ws.nx(['show', 'projects', '--affected', '-t', 'docker-multiarch', ...range, '--json']), '[').sort();
    /**
     * The bake targets the plugin's own affected executor would build (`--print` builds nothing), after
     * checking it asked this Nx through the adapter of its internals (not the CLI fallback), with the
     * selection this Nx makes: Nx 24's tasks by inputs, whole projects before it or with legacy affected.
     */
    function pluginAffected(env: NodeJS.ProcessEnv = {}): string[] {
      const before = ws.bakeCalls().length;
      const result = ws.nx(['run', 'docker:docker-affected', ...range, '--print'], env);
      if (result.code !== 0) throw new Error(`nx run docker:docker-affected --print failed:\n${result.output.slice(-4000)}`);
      expect(ws.bakeCalls()).toHaveLength(before);
      const selection = nx === '24' && env.NX_LEGACY_AFFECTED !== 'true' ? 'tasks whose inputs changed' : 'projects';
      expect(result.output).toContain(`(main...HEAD; Nx ${installedNx(nx)}, ${selection}):`);
      const printed = result.stdout.slice(result.stdout.indexOf('{\n'), result.stdout.indexOf('\n}\n') + 2);
      return Object.keys(JSON.parse(printed).target).sort();
    }
    /** `nx affected -t docker-multiarch`: its exit code and the bakes it ran. */
    function nxAffected(): { result: CommandResult; bakes: string[][] } {
      const before = ws.bakeCalls().length;
      const result = ws.nx(['affected', '-t', 'docker-multiarch', ...range, ...batchFlag(nx)]);
      return {
        result,
        bakes: ws
          .bakeCalls()
          .slice(before)
          .map((call) => bakeTargets(ws, call)),
      };
    }

    describe('a change to base', () => {
      beforeAll(() => commitChange(ws, 'change-base', 'services/base/version.txt', 'v2\n'));

      it('nx show projects --affected -t docker-multiarch lists base and api, not worker', () => {
        expect(shownAffected()).toEqual(['api', 'base']);
      });

      /**
       * The negative control of the case above: the same query with api's target on the known-bad inputs, its
       * own files without the `^` entry for its dependencies' files (what the inferred target had before Nx 24
       * support, commit b7c5ee2), written into api's project.json for this one query, then put back as it was.
       * Nx 24 selects the tasks a change reaches through their inputs: base's change no longer reaches api, so
       * api is left out, and the assertion above would fail. Nx 22 selects whole projects (then keeps those
       * with the target): api, which depends on base, stays in whatever its inputs say, so on Nx 22 no inputs
       * can make that assertion fail, and the control asserts what is true there.
       */
      it('negative control: with api’s inputs lacking ^{projectRoot}/**/*, Nx 24 leaves api out (Nx 22 selects whole projects and keeps it)', () => {
        const file = 'services/api/project.json';
        const original = ws.read(file);
        const project = JSON.parse(original);
        const badInputs = ['{projectRoot}/**/*'];
        project.targets['docker-multiarch'].inputs = badInputs;
        ws.write(file, JSON.stringify(project, null, 2));
        try {
          const selectedWithBadInputs: Record<NxVersion, string[]> = { '21': ['api', 'base'], '22': ['api', 'base'], '24': ['base'] };
          expect(shownAffected()).toEqual(selectedWithBadInputs[nx]);
          // Where the selection cannot show it, that Nx did use the bad inputs (they replace the inferred ones).
          if (nx !== '24') expect(showProject(ws, 'api').targets['docker-multiarch'].inputs).toEqual(badInputs);
        } finally {
          ws.write(file, original);
        }
      });

      it('nx affected -t docker-multiarch builds base and api in one bake, api FROM the fresh base', () => {
        const { result, bakes } = nxAffected();
        expect([result.code, failure(result)]).toEqual([0, '']);
        expect(bakes).toEqual([['api', 'base']]);
        expect(runImage(image('api'), 'linux/arm64')).toBe('v2');
      });

      it('the plugin’s affected executor gives the same set', () => {
        expect(pluginAffected()).toEqual(['api', 'base']);
      });

      it('legacy affected (whole projects) gives the same set, by Nx and by the plugin', () => {
        const legacy = { NX_LEGACY_AFFECTED: 'true' };
        expect(
          printedJson<string[]>(
            ws.nx(['show', 'projects', '--affected', '-t', 'docker-multiarch', ...range, '--json'], legacy),
            '[',
          ).sort(),
        ).toEqual(['api', 'base']);
        expect(pluginAffected(legacy)).toEqual(['api', 'base']);
      });
    });

    describe('a change to api only', () => {
      beforeAll(() => commitChange(ws, 'change-api', 'services/api/note.txt', 'api 2\n'));

      it('nx show projects --affected lists only api', () => {
        expect(shownAffected()).toEqual(['api']);
      });

      it('nx affected builds only api, in one bake', () => {
        const { result, bakes } = nxAffected();
        expect([result.code, failure(result)]).toEqual([0, '']);
        expect(bakes).toEqual([['api']]);
      });

      it('the plugin’s affected executor gives the same set', () => {
        expect(pluginAffected()).toEqual(['api']);
      });
    });
  });

  describe('generators', () => {
    it('init registered the plugin and the workspace targets, and a second run changes nothing', () => {
      const docker = showProject(ws, 'docker').targets;
      expect([docker['docker-setup']?.executor, docker['docker-affected']?.executor]).toEqual([
        'nx-crossbake:setup',
        'nx-crossbake:affected',
      ]);
      const nxJson = ws.read('nx.json');
      const project = ws.read('tools/docker/project.json');
      const again = ws.nx(['g', 'nx-crossbake:init', `--platforms=${PLATFORMS.join(',')}`]);
      expect([again.code, failure(again)]).toEqual([0, '']);
      expect([ws.read('nx.json'), ws.read('tools/docker/project.json')]).toEqual([nxJson, project]);
      // Before Nx 22.6 it says run-many needs --batch for one bake.
      expect([nx, again.output.includes('batches run-many only when asked: add --batch')]).toEqual([nx, nx === '21']);
      // Its setup and affected targets are what the run-many and affected cases above used.
    });

    // A tag template, as `tags` takes them (issue #24): rendered by the run, not refused by the generator.
    const configuredTag = () => `${repository('configured')}:{shortSha}`;

    it('configuration adds a target nx sees, its --image a tag template', () => {
      const result = ws.nx([
        'g',
        'nx-crossbake:configuration',
        'configured',
        `--image=${configuredTag()}`,
        '--push',
        `--platforms=${PLATFORMS.join(',')}`,
      ]);
      expect([result.code, failure(result)]).toEqual([0, '']);
      const target = showProject(ws, 'configured').targets['docker-multiarch'];
      expect(target?.executor).toBe('nx-crossbake:multiarch');
      expect(target.options).toMatchObject({ tags: [configuredTag()], push: true, platforms: PLATFORMS });
      // Its dependencies' files: a file set where Nx takes one after ^ (22.6 on), else their default named input.
      expect(target.inputs).toEqual(['{projectRoot}/**/*', nx === '21' ? '^default' : '^{projectRoot}/**/*']);
    });

    it('from-nx-container converts the target and keeps the original', () => {
      const result = ws.nx(['g', 'nx-crossbake:from-nx-container']);
      expect([result.code, failure(result)]).toEqual([0, '']);
      const targets = showProject(ws, 'legacy').targets;
      expect([targets.container?.executor, targets['container-nx-container']?.executor]).toEqual([
        'nx-crossbake:multiarch',
        '@nx-tools/nx-container:build',
      ]);
      // metadata-action's rules whose meaning our templates express, in its priority order (branch 600, raw 200,
      // sha 100), and the event-bound one left out, said why.
      const repo = repository('legacy');
      expect(targets.container.options?.tags).toEqual([`${repo}:{branch}`, `${repo}:latest`, `${repo}:sha-{shortSha}`]);
      expect(result.output).toContain('type=semver');
    });

    it('cross-compile moves the Go compile to the build platform, and the target stays', () => {
      const result = ws.nx(['g', 'nx-crossbake:cross-compile', 'gohello']);
      expect([result.code, failure(result)]).toEqual([0, '']);
      const dockerfile = ws.read('services/gohello/Dockerfile');
      expect(dockerfile).toMatch(/^FROM --platform=\$BUILDPLATFORM \S+ AS \S+$/m);
      expect(dockerfile).toMatch(/GOARCH/);
      expect(showProject(ws, 'gohello').targets['docker-multiarch']?.executor).toBe('nx-crossbake:multiarch');
    });

    // The rewritten Go build itself is e2e/cross-compile.e2e.ts's (a compile per platform: too slow to repeat
    // per Nx version, and nothing of it depends on Nx); what runs on each Nx version is the generator.
    it('what configuration and from-nx-container wrote builds in one bake', () => {
      const before = ws.bakeCalls().length;
      const result = ws.nx(['run-many', '-t', 'docker-multiarch,container', '--projects=configured,legacy', ...batchFlag(nx)]);
      expect([result.code, failure(result)]).toEqual([0, '']);
      const bakes = ws.bakeCalls().slice(before);
      expect(bakes.map((call) => bakeTargets(ws, call).length)).toEqual([2]);
      const branch = git(ws, 'rev-parse', '--abbrev-ref', 'HEAD');
      const sha = git(ws, 'rev-parse', '--short=7', 'HEAD');
      expect(registryPlatforms(configuredTag().replace('{shortSha}', sha))).toEqual(PLATFORMS);
      expect(registryPlatforms(image('legacy'))).toEqual(PLATFORMS);
      expect(runImage(image('legacy'), 'linux/arm64')).toBe('migrated');
      // The converted metadata tags, computed from git as metadata-action would on this branch and commit.
      for (const tag of [branch, `sha-${sha}`]) expect(registryPlatforms(`${repository('legacy')}:${tag}`)).toEqual(PLATFORMS);
    });
  });

  it('nx release version, then nx release publish pushes <image>:<version> as a multi-platform index', () => {
    // nx.json's release group holds only 'released' (Nx 21 refuses --projects for a group of fixed versions).
    const version = ws.nx(['release', 'version', '1.3.0', '--git-commit=false', '--git-tag=false']);
    expect([version.code, failure(version)]).toEqual([0, '']);
    expect(JSON.parse(ws.read('services/released/package.json')).version).toBe('1.3.0');
    const publish = ws.nx(['release', 'publish']);
    expect([publish.code, failure(publish)]).toEqual([0, '']);
    expect(registryPlatforms(`${repository('released')}:1.3.0`)).toEqual(PLATFORMS);
  });

  // Nx 21 prints no batch task's output in a static run (its batch runner keeps it): there only the run's table shows.
  (nx === '21' ? it.skip : it)(
    'shows a task done while the bake goes on: a 1 s target reaches Nx before the 12 s one ends (batch results yielded per task)',
    async () => {
      const nonce = Date.now().toString(36);
      for (const [name, seconds] of [
        ['quick', 1],
        ['slow', 12],
      ] as const) {
        ws.addService({
          name,
          root: `services/${name}`,
          dockerfile: `FROM ${BASE_IMAGE}\nARG NONCE\nRUN echo "$NONCE" > /nonce && sleep ${seconds}\n`,
          options: { platforms: ['linux/amd64'], tags: [image(name)], push: true, 'build-args': [`NONCE=${nonce}`] },
        });
      }
      // Committed, as in CI: each is baked under its content key tag, and its tags are pointed once its target ends.
      git(ws, 'add', '-A');
      git(ws, 'commit', '-q', '-m', 'quick and slow');
      const { code, lines } = await ws.nxLines(['run-many', '-t', 'docker-multiarch', '-p', 'quick,slow', '--skip-nx-cache'], {
        NX_TUI: 'false',
      });
      const output = lines.map((l) => l.text).join('\n');
      expect([code, code === 0 ? '' : output.slice(-4000)]).toEqual([0, '']);
      const at = (pattern: RegExp) => lines.find((l) => pattern.test(l.text))?.at ?? NaN;
      // Nx prints a batch task's output when the batch yields its result: quick's, then slow's.
      const quickToNx = at(/^quick: pushed for linux\/amd64$/);
      const slowToNx = at(/^slow: pushed for linux\/amd64$/);
      // buildx's own line for the end of slow's 12 s step.
      const slowStepEnds = at(/^#\d+ DONE 1\d\.\d+s$/);
      process.stderr.write(
        `[e2e] nx-versions: Nx ${nx}: quick reached Nx at ${quickToNx} ms, slow's step ended at ${slowStepEnds} ms, slow reached Nx at ${slowToNx} ms\n`,
      );
      expect(quickToNx).toBeLessThan(slowStepEnds - 5_000);
      expect(slowToNx).toBeGreaterThanOrEqual(slowStepEnds);
      // One bake held both.
      expect(bakeTargets(ws, ws.bakeCalls().at(-1)!)).toEqual(['quick', 'slow']);
    },
    180_000,
  );

  if (nx === '21')
    it('without --batch, Nx 21 runs each image task alone, a bake each, and the first of them says how to get one bake', () => {
      const nonce = `solo-${Date.now().toString(36)}`;
      for (const name of ['solo-a', 'solo-b'])
        ws.addService({
          name,
          root: `services/${name}`,
          dockerfile: `FROM ${BASE_IMAGE}\nARG NONCE\nRUN echo "$NONCE" > /nonce\n`,
          options: { platforms: ['linux/amd64'], tags: [image(name)], push: true, 'build-args': [`NONCE=${nonce}`] },
        });
      const before = ws.bakeCalls().length;
      const result = ws.nx(['run-many', '-t', 'docker-multiarch', '-p', 'solo-a,solo-b', '--skip-nx-cache']);
      expect([result.code, failure(result)]).toEqual([0, '']);
      expect(
        ws
          .bakeCalls()
          .slice(before)
          .map((call) => bakeTargets(ws, call)),
      ).toEqual(expect.arrayContaining([['solo-a'], ['solo-b']]));
      expect(ws.bakeCalls()).toHaveLength(before + 2);
      const notice = `Nx ${installedNx(nx)} runs these 2 nx-crossbake:multiarch tasks one by one, a bake each (before 22.6 Nx batches only when asked): add --batch, or set NX_BATCH_MODE=true, to build them in one bake`;
      expect(result.output.split(notice)).toHaveLength(2);
    });
});
