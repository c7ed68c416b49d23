import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ROOT_CONTEXT_IGNORES, withDockerignores } from '../packages/nx-crossbake/src/generators/lib/dockerignore-files';
import {
  BASE_IMAGE,
  imageRef,
  REGISTRY,
  registryPlatforms,
  run,
  RUN_ID,
  runImage,
  Workspace,
  type CommandResult,
} from './support/workspace';
import { vendoredPackages } from './support/vendored-packages';

/**
 * A root build context (`"context": "."`, as root-lockfile monorepos use) on the default docker-container
 * builder: the plugin's own files and Nx's `.nx/` must not undo the cache of `COPY . /src`. The run files
 * live outside the workspace; the reports and `.nx/` stay in it, kept out by the .dockerignore the
 * generators write, and the run warns about a context that sends them.
 */
const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const PROJECTS = ['ctx-a', 'ctx-b'];
const USERS_IGNORE = 'node_modules\n.git\n';

interface Step {
  id: string;
  title: string;
  cached: boolean;
}

/**
 * The build steps of the plain progress (`#7 [ctx-a linux/arm64 3/4] COPY . /src`), each CACHED or not. FROM is
 * left out: BuildKit resolves the base image on every run and says DONE, not CACHED, even when nothing is built.
 */
function steps(output: string): Step[] {
  const found = new Map<string, Step>();
  for (const [, id, title, instruction] of output.matchAll(/^#(\d+) \[((?:\S+ )?linux\/\S+ \d+\/\d+)\] (\S+).*$/gm)) {
    if (instruction !== 'FROM') found.set(id, { id, title, cached: new RegExp(`^#${id} CACHED$`, 'm').test(output) });
  }
  return [...found.values()];
}

const stepsOf = (output: string, project: string) => steps(output).filter((s) => s.title.startsWith(`${project} `));
const copySteps = (output: string, project: string) =>
  stepsOf(output, project).filter((s) => new RegExp(`^#${s.id} \\[[^\\]]+\\] COPY \\. /src$`, 'm').test(output));

describe('a root build context', () => {
  let ws: Workspace;
  const nx = (): CommandResult => {
    const result = ws.nx(['run-many', '-t', 'docker-multiarch']);
    if (result.code !== 0) throw new Error(`run failed:\n${result.output}`);
    return result;
  };

  beforeAll(() => {
    ws = new Workspace(
      'root-context',
      PROJECTS.map((name) => ({
        name,
        root: `apps/${name}`,
        // Bake runs a step two targets share once, under one target's name: each image's own WORKDIR keeps
        // the COPY of each apart, so the progress shows both.
        dockerfile: `FROM ${BASE_IMAGE}\nWORKDIR /${name}\nCOPY . /src\nRUN ls -a /src > listing && echo ${name}-${RUN_ID} >> listing\n`,
        options: {
          context: '.',
          file: `apps/${name}/Dockerfile`,
          platforms: PLATFORMS,
          tags: [imageRef(name)],
          push: false,
          outputs: ['type=cacheonly'],
        },
      })),
    );
    ws.write('package.json', JSON.stringify({ name: 'ws-root-context', private: true, workspaces: ['apps/*'] }, null, 2));
    ws.write('.gitignore', 'node_modules\ndist\ntmp\n.nx\n');
    for (const args of [
      ['init', '-q', '-b', 'main'],
      ['add', '-A'],
      ['commit', '-q', '-m', 'one'],
    ]) {
      const result = run('git', ['-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', ...args], { cwd: ws.dir });
      if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed:\n${result.output}`);
    }
  });

  it('with a .dockerignore of node_modules and .git only, warns once naming both projects, and COPY runs again', () => {
    ws.write('.dockerignore', USERS_IGNORE);
    const first = nx();
    const second = nx();
    for (const result of [first, second]) {
      expect(result.output.match(/these build contexts send folders that change on every run/g)).toHaveLength(1);
      expect(result.output).toContain("context '.' (ctx-a, ctx-b): .nx/, dist/ (dist/nx-crossbake/), not excluded by .dockerignore");
    }
    // The first run's reports, and Nx's own files, are in the second run's context.
    for (const project of PROJECTS) expect(copySteps(second.output, project).some((s) => !s.cached)).toBe(true);
  });

  it("judges a project by its Dockerfile's own ignore file, which BuildKit reads in place of the context's", () => {
    ws.write('.dockerignore', withDockerignores(USERS_IGNORE, ROOT_CONTEXT_IGNORES).text);
    ws.write('apps/ctx-b/Dockerfile.dockerignore', USERS_IGNORE);
    nx();
    const second = nx();
    expect(second.output).toContain(
      "context '.' (ctx-b): .nx/, dist/ (dist/nx-crossbake/), not excluded by apps/ctx-b/Dockerfile.dockerignore",
    );
    expect(second.output).not.toMatch(/\(ctx-a/);
    expect(stepsOf(second.output, 'ctx-a').every((s) => s.cached)).toBe(true);
    expect(copySteps(second.output, 'ctx-b').some((s) => !s.cached)).toBe(true);
  });

  it("with the generator's .dockerignore, the second run of an unchanged workspace has every step of both images CACHED", () => {
    ws.write('.dockerignore', withDockerignores(USERS_IGNORE, ROOT_CONTEXT_IGNORES).text);
    run('rm', ['-f', `${ws.dir}/apps/ctx-b/Dockerfile.dockerignore`]);
    nx();
    const second = nx();
    expect(second.output).not.toMatch(/these build contexts send folders/);
    for (const project of PROJECTS) {
      const all = stepsOf(second.output, project);
      // Per platform: WORKDIR, COPY and RUN.
      expect([project, all.length]).toEqual([project, PLATFORMS.length * 3]);
      expect([project, all.filter((s) => !s.cached)]).toEqual([project, []]);
    }
  });

  it('keeps its run files outside the workspace, in a folder only the user can open', () => {
    const bakeFile = ws.bakeFile(ws.bakeCalls().at(-1)!);
    expect(relative(ws.dir, bakeFile).startsWith('..')).toBe(true);
    expect(bakeFile.startsWith(`${tmpdir()}/nx-crossbake-${process.getuid!()}/`)).toBe(true);
    expect(statSync(dirname(bakeFile)).mode & 0o777).toBe(0o700);
    expect(Object.keys(JSON.parse(ws.read(bakeFile)).target).sort()).toEqual(['ctx-a', 'ctx-b']);
    expect(ws.exists('tmp/nx-crossbake')).toBe(false);
    expect(ws.exists('dist/nx-crossbake/apps/ctx-a/docker-multiarch/image.json')).toBe(true);
  });
});

/**
 * Issue #24: two services laid out as a NestJS workspace builds them with docker-compose (the layout of Nx's
 * own Node docs): one lockfile at the root, each Dockerfile written for the workspace root as its context,
 * installing the workspace's dependencies and building its app inside the image. The configuration generator
 * must see that and write the context and the inputs; a target whose context is its project folder must be
 * refused before anything is built, naming the context that works.
 */
describe('Dockerfiles written for the workspace root (NestJS layout)', () => {
  const NODE = `${REGISTRY}/crossbake/node:latest`;
  const SERVICES = ['nest-api', 'nest-worker'];
  const NEST_PLATFORMS = ['linux/amd64', 'linux/arm64'];
  // npm ci of the root lockfile (a dependency and a dev dependency, packed into vendor/ by the real npm: no
  // registry in the image), then the app's build through the workspace's `./nx` wrapper (`nx init
  // --useDotNxInstallation` writes one at the root; here a stand-in that runs the app's build script, as a real
  // Nx would need the network inside the image), then a runtime stage with the build output and node_modules.
  const dockerfile = (name: string) => `FROM ${NODE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY vendor ./vendor
RUN npm ci --no-audit --no-fund
COPY nx nx.json tsconfig.base.json ./
COPY apps/${name} ./apps/${name}
RUN ./nx build ${name}

FROM ${NODE}
WORKDIR /app
COPY --from=build /app/dist/apps/${name} ./
COPY --from=build /app/node_modules ./node_modules
CMD ["node", "main.js"]
`;
  const SERVER = (name: string) =>
    `let dev = 'without';\ntry { require.resolve('devtool'); dev = 'with'; } catch {}\n` +
    `console.log('${name} started on ' + process.arch + ': ' + require('greet')() + ', ' + dev + ' dev dependencies');\n`;
  // The build needs the dev dependency and does some CPU work, as a compile does; the server says what it runs
  // on, the dependency's answer, and whether the dev dependency is in its image.
  const build = (name: string) =>
    `const fs = require('fs');\nrequire('devtool');\nconst hash = require('crypto').createHash('sha256');\n` +
    `for (let i = 0; i < 400000; i++) hash.update(String(i));\n` +
    `fs.mkdirSync('dist/apps/${name}', { recursive: true });\n` +
    `fs.writeFileSync('dist/apps/${name}/main.js', ${JSON.stringify(SERVER(name))});\n`;
  let ws: Workspace;
  const generated: Record<string, CommandResult> = {};
  const started = (name: string, arch: string, dev: boolean) =>
    `${name} started on ${arch}: hello, ${dev ? 'with' : 'without'} dev dependencies`;
  const target = (name: string) => JSON.parse(ws.read(`apps/${name}/project.json`)).targets['docker-multiarch'];

  beforeAll(() => {
    ws = new Workspace('root-context-nest', []);
    const deps = vendoredPackages(
      'nest-shop',
      { greet: { source: "module.exports = () => 'hello';\n" }, devtool: { source: 'module.exports = {};\n' } },
      { dependencies: ['greet'], devDependencies: ['devtool'] },
    );
    ws.write('package.json', deps.manifest);
    ws.write('package-lock.json', deps.lockfile);
    for (const [file, bytes] of Object.entries(deps.tarballs)) {
      mkdirSync(join(ws.dir, 'vendor'), { recursive: true });
      writeFileSync(join(ws.dir, 'vendor', file), bytes);
    }
    ws.write('tsconfig.base.json', JSON.stringify({ compilerOptions: { target: 'es2021' } }, null, 2));
    ws.write(
      'nx',
      '#!/bin/sh\n# Stand-in for the ./nx wrapper: `./nx build <app>` runs the app\'s build.\n[ "$1" = build ] && exec node "apps/$2/build.js"\n',
    );
    chmodSync(join(ws.dir, 'nx'), 0o755);
    for (const name of SERVICES) {
      ws.write(`apps/${name}/project.json`, JSON.stringify({ name, root: `apps/${name}` }, null, 2));
      ws.write(`apps/${name}/Dockerfile`, dockerfile(name));
      ws.write(`apps/${name}/build.js`, build(name));
      generated[name] = ws.nx([
        'g',
        'nx-crossbake:configuration',
        name,
        `--image=${imageRef(name)}`,
        '--push',
        `--platforms=${NEST_PLATFORMS.join(',')}`,
      ]);
    }
  });

  it('configuration writes "context": "." and inputs naming the root files the image reads, and the .dockerignore', () => {
    for (const name of SERVICES) {
      expect([name, generated[name].code]).toEqual([name, 0]);
      expect(generated[name].output).toContain(
        `it builds from the context '.' (apps/${name}/Dockerfile copies package.json, package-lock.json, vendor, nx, nx.json, tsconfig.base.json, apps/${name} from the workspace root)`,
      );
      expect(target(name).options).toMatchObject({ context: '.', platforms: NEST_PLATFORMS, push: true });
      expect(target(name).inputs).toEqual([
        '{projectRoot}/**/*',
        '^{projectRoot}/**/*',
        '{workspaceRoot}/package.json',
        '{workspaceRoot}/package-lock.json',
        '{workspaceRoot}/nx.json',
        '{workspaceRoot}/tsconfig.base.json',
        '{workspaceRoot}/vendor/**/*',
        '{workspaceRoot}/nx',
      ]);
    }
    expect(ws.read('.dockerignore').split('\n')).toEqual(expect.arrayContaining(ROOT_CONTEXT_IGNORES));
  });

  it('the first run pushes both for amd64 and arm64 in one bake, and each service starts on both platforms', () => {
    const before = ws.bakeCalls().length;
    const result = ws.nx(['run-many', '-t', 'docker-multiarch']);
    expect([result.code, result.code === 0 ? '' : result.output.slice(-4000)]).toEqual([0, '']);
    expect(ws.bakeCalls()).toHaveLength(before + 1);
    // The advisor flags the emulated install and the nx build, and sends the split of the stage to the generator.
    for (const name of SERVICES) {
      expect(result.output).toContain(`${name}:docker-multiarch: 2 steps will run under QEMU emulation for linux/arm64`);
      expect(result.output).toContain(
        `  to split the stage of the nx build (the install and the build run once, on the build platform; node_modules a later stage copies install per target, production dependencies only), run: nx g nx-crossbake:cross-compile --project=${name} (add --dry-run to see what it would do first)`,
      );
    }
    expect(result.output).toMatch(
      /^ {2}Dockerfile:8 \(build\) nx build: split the stage: the install with dev dependencies and the nx build in a stage FROM --platform=\$BUILDPLATFORM/m,
    );
    for (const name of SERVICES) {
      expect(registryPlatforms(imageRef(name))).toEqual(NEST_PLATFORMS);
      expect(runImage(imageRef(name), 'linux/amd64')).toBe(started(name, 'x64', true));
      expect(runImage(imageRef(name), 'linux/arm64')).toBe(started(name, 'arm64', true));
    }
  });

  it('with the context set to the project folder, that project fails before building, naming "context": "."; the other builds', () => {
    const file = 'apps/nest-api/project.json';
    const original = ws.read(file);
    const project = JSON.parse(original);
    project.targets['docker-multiarch'].options.context = 'apps/nest-api';
    ws.write(file, JSON.stringify(project, null, 2));
    try {
      const before = ws.bakeCalls().length;
      const result = ws.nx(['run-many', '-t', 'docker-multiarch', '--skip-nx-cache']);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(
        "apps/nest-api/Dockerfile copies package.json (line 3), package-lock.json (line 3), vendor (line 4), nx (line 6), nx.json (line 6), tsconfig.base.json (line 6), apps/nest-api (line 7) from its build context 'apps/nest-api', which does not have them; " +
          '"." (the workspace root) does: set the target\'s "context": "."',
      );
      // No bake held nest-api; nest-worker still had its result (reused: unchanged since the last run).
      expect(
        ws
          .bakeCalls()
          .slice(before)
          .some((call) => bakeTargetNames(ws, call).includes('nest-api')),
      ).toBe(false);
      expect(result.output).toMatch(/^nest-worker\s+(pushed|reused)\s/m);
    } finally {
      ws.write(file, original);
    }
  });

  it('cross-compile splits the build stage: the build runs once on the build machine, node_modules installed per target, production only', () => {
    const NEST_SPLIT = (
      name: string,
    ) => `# nx-crossbake:cross-compile: the install and the nx build run once, on the build machine; only the build's output leaves this stage (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM ${NODE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY vendor ./vendor
RUN npm ci --no-audit --no-fund
COPY nx nx.json tsconfig.base.json ./
COPY apps/${name} ./apps/${name}
RUN ./nx build ${name}

# nx-crossbake:cross-compile: the production dependencies, installed for each target platform, for the stages that copy node_modules (node_modules/nx-crossbake/docs/cross-compile.md)
FROM ${NODE} AS build-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY vendor ./vendor
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${NODE}
WORKDIR /app
COPY --from=build /app/dist/apps/${name} ./
COPY --from=build-deps /app/node_modules ./node_modules
CMD ["node", "main.js"]
`;
    // Cold: no cache, so each side runs every step; only nest-api, so nothing is shared with another target.
    const cold = () => {
      const started = Date.now();
      const result = ws.nx(['run', 'nest-api:docker-multiarch', '--no-cache=true', '--skip-nx-cache']);
      expect([result.code, result.code === 0 ? '' : result.output.slice(-4000)]).toEqual([0, '']);
      return { output: result.output, wall: ((Date.now() - started) / 1000).toFixed(1) };
    };
    const before = cold();
    const generated = ws.nx(['g', 'nx-crossbake:cross-compile', '--project=nest-api']);
    expect([generated.code, generated.code === 0 ? '' : generated.output]).toEqual([0, '']);
    expect(ws.read('apps/nest-api/Dockerfile')).toBe(NEST_SPLIT('nest-api'));
    expect(generated.output).toContain("apps/nest-api/Dockerfile:8 nx build now runs in stage 'build' on the build platform");
    expect(generated.output).toContain(
      "node_modules (line 13) now come from 'build-deps', which installs the production dependencies for each target: the image no longer holds the dev dependencies it copied from 'build'",
    );
    const after = cold();
    // The build and its install ran once, natively; only the production install ran for arm64 under QEMU.
    expect(emulatedRuns(after.output)).toEqual(['RUN npm ci --omit=dev --no-audit --no-fund']);
    expect(emulatedRuns(before.output)).toEqual(['RUN npm ci --no-audit --no-fund', 'RUN ./nx build nest-api']);
    expect(runImage(imageRef('nest-api'), 'linux/amd64')).toBe(started('nest-api', 'x64', false));
    expect(runImage(imageRef('nest-api'), 'linux/arm64')).toBe(started('nest-api', 'arm64', false));
    process.stderr.write(
      `[e2e] root-context nest-api, cold, amd64+arm64: ${seconds(before.output).toFixed(1)} s of RUN steps under QEMU (arm64) before the split, ${seconds(after.output).toFixed(1)} s after; the whole run ${before.wall} s before, ${after.wall} s after (${armSteps(before.output)} → ${armSteps(after.output)})\n`,
    );
  });
});

/** The RUN steps built for linux/arm64 (emulated here) in a run's plain progress, with how long each took. */
function armRuns(output: string): Array<{ run: string; seconds: number }> {
  const steps = [...output.matchAll(/^#(\d+) \[[^\]]*\blinux\/arm64 [^\]]*\] (RUN .+)$/gm)];
  return [...new Map(steps.map(([, id, run]) => [id, run])).entries()].map(([id, run]) => ({
    run,
    seconds: Number(new RegExp(`^#${id} DONE (\\d+(?:\\.\\d+)?)s$`, 'm').exec(output)?.[1] ?? NaN),
  }));
}
const emulatedRuns = (output: string) => armRuns(output).map((r) => r.run);
const armSteps = (output: string) =>
  armRuns(output)
    .map((r) => `${r.run} ${r.seconds}s`)
    .join(', ');
const seconds = (output: string) => armRuns(output).reduce((sum, r) => sum + r.seconds, 0);

const bakeTargetNames = (ws: Workspace, call: string): string[] => Object.keys(JSON.parse(ws.read(ws.bakeFile(call))).target);
