/**
 * Cache kept and reproducible: with the default `source-date-epoch: zero`, SOURCE_DATE_EPOCH is the constant 0
 * and the commit time lives only in the `org.opencontainers.image.created` label. A Node service whose source
 * changes (a new commit, package.json untouched) keeps its `npm ci` step CACHED on every platform, on the
 * docker-container builder (the suite's `nx-crossbake`) and on a `docker` driver builder; and on
 * docker-container its warm build (npm ci from the cache) pushes the same per-platform images as a cold one
 * (builder pruned, no registry cache) of the same commit. The negative control, `source-date-epoch: commit`, re-runs
 * every step after the same change: the CACHED check can fail.
 *
 * Every target has `reuse: false`: the cold build is of a commit already pushed, which reuse would not build.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitAsMain, git } from './support/git';
import { BINFMT_IMAGE } from './support/rig';
import { buildSteps } from './support/build-steps';
import { imageRef, REGISTRY, registryPlatforms, run, RUN_ID, Workspace, type CommandResult } from './support/workspace';

const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const NODE = `${REGISTRY}/crossbake/node:latest`;
/** The suite's default builder (docker-container), which support/workspace.ts's setup target configures. */
const CONTAINER_BUILDER = 'nx-crossbake';
/** A builder of this file's own on the engine's BuildKit; a docker-driver builder is a Docker context. */
const DOCKER_BUILDER = 'e2e-layer-cache-docker';

// npm writes a debug log named after the clock, and an update-notifier stamp, into /root/.npm: a step that
// writes the time, which no epoch can fix. Without them the step is hermetic (no dependencies, no network).
const NPM_CI = 'RUN npm ci --no-audit --no-fund --no-update-notifier --logs-max=0';
const DOCKERFILE = `FROM ${NODE}
WORKDIR /app
COPY package*.json ./
${NPM_CI}
COPY . .
RUN node build.js
`;
const STEPS = ['COPY package*.json ./', NPM_CI, 'COPY . .', 'RUN node build.js'];
const BUILD_JS = `const fs = require('fs');
fs.mkdirSync('dist', { recursive: true });
fs.writeFileSync('dist/message.txt', fs.readFileSync('src/message.txt', 'utf8').toUpperCase());
`;

/** package.json without dependencies (named per run, so the first build runs npm ci) and npm's own lockfile for it. */
function npmFiles(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'crossbake-layer-cache-'));
  const manifest = JSON.stringify({ name: `layer-cache-${RUN_ID}`, version: '1.0.0', private: true }, null, 2);
  writeFileSync(join(dir, 'package.json'), manifest);
  const locked = run('npm', ['install', '--package-lock-only', '--offline', '--no-audit', '--no-fund'], { cwd: dir });
  if (locked.code !== 0) throw new Error(`npm install --package-lock-only failed:\n${locked.output}`);
  return { 'package.json': manifest, 'package-lock.json': readFileSync(join(dir, 'package-lock.json'), 'utf8') };
}

/** What buildSteps should show: each step's ending, on every platform (of PLATFORMS unless given). */
const expectedSteps = (ended: (step: string) => 'ran' | 'CACHED', platforms = PLATFORMS) =>
  platforms.flatMap((p) => STEPS.map((step) => `${p} ${step}: ${ended(step)}`)).sort();

/** The digest of each platform's image manifest (attestations left out), as the registry has it. */
function platformDigests(ref: string): Record<string, string> {
  const raw = run('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref]);
  if (raw.code !== 0) throw new Error(`imagetools inspect ${ref} failed:\n${raw.output}`);
  const index = JSON.parse(raw.stdout) as {
    manifests: { digest: string; platform: { os: string; architecture: string; variant?: string } }[];
  };
  return Object.fromEntries(
    index.manifests
      .filter((m) => m.platform.os !== 'unknown')
      .map((m) => [[m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join('/'), m.digest]),
  );
}

interface Build {
  seconds: number;
  output: string;
  steps: string[];
  /** The bake target the run baked: args and outputs, as the plugin wrote them. */
  target: {
    platforms: string[];
    args?: Record<string, string>;
    output?: string[];
    'cache-from'?: string[];
    labels?: Record<string, string>;
  };
  platforms: Record<string, string>;
}

describe('cache kept and reproducible: a Node service whose source changes', () => {
  let ws: Workspace;
  const refs = { web: imageRef('layer-web'), 'web-docker': imageRef('layer-web-docker'), 'web-commit': imageRef('layer-web-commit') };

  /** `nx run <project>:docker-multiarch`: its steps, its one bake target, and the images it pushed. */
  const build = (project: keyof typeof refs): Build => {
    const before = ws.bakeCalls().length;
    const start = Date.now();
    const result: CommandResult = ws.nx(['run', `${project}:docker-multiarch`]);
    const seconds = (Date.now() - start) / 1000;
    if (result.code !== 0) throw new Error(`nx run ${project}:docker-multiarch failed:\n${result.output}`);
    const bakes = ws.bakeCalls().slice(before);
    expect(bakes).toHaveLength(1);
    const targets = JSON.parse(ws.read(ws.bakeFile(bakes[0]))).target as Record<string, Build['target']>;
    expect(Object.keys(targets)).toHaveLength(1);
    const target = Object.values(targets)[0];
    return {
      seconds,
      output: result.output,
      // The steps STEPS follows: those after WORKDIR.
      steps: buildSteps(result.output, target.platforms).filter((step) => !/ WORKDIR /.test(step)),
      target,
      platforms: platformDigests(refs[project]),
    };
  };
  const pruneContainerBuilder = () => {
    const pruned = run('docker', ['buildx', 'prune', '--builder', CONTAINER_BUILDER, '--all', '--force']);
    if (pruned.code !== 0) throw new Error(`prune of ${CONTAINER_BUILDER} failed, so a cold build could use the cache:\n${pruned.output}`);
  };
  const options = (project: keyof typeof refs, builder: string, extra: Record<string, unknown>) => ({
    platforms: PLATFORMS,
    tags: [refs[project]],
    push: true,
    builder,
    cache: 'none',
    reuse: false,
    ...extra,
  });
  const service = (project: keyof typeof refs, builder: string, extra: Record<string, unknown> = {}) => ({
    name: project,
    root: `apps/${project}`,
    dockerfile: DOCKERFILE,
    files: { ...npm, 'build.js': BUILD_JS, 'src/message.txt': 'one\n', '.dockerignore': 'node_modules\ndist\n' },
    options: options(project, builder, extra),
  });
  const builds: Record<string, Build> = {};
  let npm: Record<string, string>;

  beforeAll(() => {
    const started = Date.now();
    run('docker', ['buildx', 'rm', '--force', DOCKER_BUILDER]);
    run('docker', ['context', 'rm', '--force', DOCKER_BUILDER]);
    npm = npmFiles();
    ws = new Workspace('layer-cache', [
      service('web', CONTAINER_BUILDER),
      service('web-docker', DOCKER_BUILDER),
      // The negative control: the commit time as the epoch is a build arg that changes with the commit. One
      // platform is enough to show it, and saves two installs under QEMU.
      service('web-commit', CONTAINER_BUILDER, { 'source-date-epoch': 'commit', platforms: ['linux/amd64'] }),
    ]);
    ws.write(
      'tools/docker-builder/project.json',
      JSON.stringify({
        name: 'docker-builder',
        root: 'tools/docker-builder',
        targets: {
          'docker-setup': {
            executor: 'nx-crossbake:setup',
            options: { builder: DOCKER_BUILDER, driver: 'docker', 'qemu-image': BINFMT_IMAGE },
          },
        },
      }),
    );
    ws.write('.gitignore', 'node_modules\ndist\ntmp\n.nx\n.shim\n');
    commitAsMain(ws, 'one');
    for (const setup of ['builder:docker-setup', 'docker-builder:docker-setup']) {
      const result = ws.nx(['run', setup]);
      if (result.code !== 0) throw new Error(`nx run ${setup} failed:\n${result.output}`);
    }

    const projects = Object.keys(refs) as (keyof typeof refs)[];
    for (const project of projects) builds[`${project} one`] = build(project);
    for (const project of projects) ws.write(`apps/${project}/src/message.txt`, 'two\n');
    git(ws, 'commit', '-q', '-am', 'two: the source changes, package.json does not');
    for (const project of projects) builds[`${project} two`] = build(project);
    pruneContainerBuilder();
    builds['web two cold'] = build('web');
    const each = Object.entries(builds).map(([name, b]) => `${name} ${b.seconds.toFixed(1)}s`);
    process.stderr.write(`[e2e] layer-cache: ${((Date.now() - started) / 1000).toFixed(1)}s in all; nx run of ${each.join(', ')}\n`);
  });

  it('builds with SOURCE_DATE_EPOCH=0 and, on docker-container, rewrite-timestamp; the commit time only in the label', () => {
    for (const [name, b] of Object.entries(builds)) {
      if (!name.startsWith('web-commit')) expect([name, b.target.args]).toEqual([name, { SOURCE_DATE_EPOCH: '0' }]);
      expect(b.target['cache-from'] ?? []).toEqual([]);
    }
    expect(builds['web two'].target.output).toEqual(['type=image,push=true,rewrite-timestamp=true']);
    // The docker driver's exporter refuses rewrite-timestamp: the run says its images are not reproducible.
    expect(builds['web-docker two'].target.output).toEqual(['type=image,push=true']);
    expect(builds['web-docker two'].output).toContain(`builder ${DOCKER_BUILDER} uses the docker driver`);
    const created = (b: Build) => b.target.labels?.['org.opencontainers.image.created'];
    expect(new Date(created(builds['web two'])!).getTime()).toBe(Number(git(ws, 'log', '-1', '--format=%ct')) * 1000);
    expect(created(builds['web two'])).not.toBe(created(builds['web one']));
  });

  it.each([
    ['web', PLATFORMS],
    ['web-docker', PLATFORMS],
    ['web-commit', ['linux/amd64']],
  ])('%s: the first build runs every step on every platform (%j)', (project, platforms) => {
    expect(builds[`${project} one`].steps).toEqual(expectedSteps(() => 'ran', platforms));
    expect(registryPlatforms(refs[project as keyof typeof refs])).toEqual(platforms);
  });

  it.each([['web'], ['web-docker']])('%s: after the source change, npm ci is CACHED on every platform, the rest runs', (project) => {
    expect(builds[`${project} two`].steps).toEqual(
      expectedSteps((step) => (step.startsWith('COPY package') || step === NPM_CI ? 'CACHED' : 'ran')),
    );
    // The change reached the images.
    for (const platform of PLATFORMS)
      expect(builds[`${project} two`].platforms[platform]).not.toBe(builds[`${project} one`].platforms[platform]);
  });

  it('negative control: with the commit time as SOURCE_DATE_EPOCH, the same change re-runs npm ci', () => {
    const epoch = (b: Build) => b.target.args?.SOURCE_DATE_EPOCH;
    expect(epoch(builds['web-commit two'])).toBe(git(ws, 'log', '-1', '--format=%ct'));
    expect(epoch(builds['web-commit two'])).not.toBe(epoch(builds['web-commit one']));
    // Every step, COPY of the unchanged package*.json included: BuildKit keys COPY on the epoch too (it stamps the files).
    expect(builds['web-commit two'].steps).toEqual(expectedSteps(() => 'ran', ['linux/amd64']));
  });

  it('docker-container: the warm build equals a cold build of the same commit, platform by platform', () => {
    expect(builds['web two cold'].steps).toEqual(expectedSteps(() => 'ran'));
    expect(Object.keys(builds['web two'].platforms).sort()).toEqual(PLATFORMS);
    expect(builds['web two cold'].platforms).toEqual(builds['web two'].platforms);
  });
});
