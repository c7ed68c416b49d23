import { chmodSync, readFileSync, statSync } from 'node:fs';
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
  // npm ci of the root lockfile, then the app's build through the workspace's `./nx` wrapper (`nx init
  // --useDotNxInstallation` writes one at the root; here a stand-in that runs the app's build script, as a real
  // Nx would need the network inside the image), then a runtime stage with only the build output.
  const dockerfile = (name: string) => `FROM ${NODE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nx nx.json tsconfig.base.json ./
COPY apps/${name} ./apps/${name}
RUN ./nx build ${name}

FROM ${NODE}
WORKDIR /app
COPY --from=build /app/dist/apps/${name} ./
CMD ["node", "main.js"]
`;
  const build = (name: string) =>
    `const fs = require('fs');\nfs.mkdirSync('dist/apps/${name}', { recursive: true });\n` +
    `fs.writeFileSync('dist/apps/${name}/main.js', "console.log('${name} started on ' + process.arch)\\n");\n`;
  let ws: Workspace;
  const generated: Record<string, CommandResult> = {};
  const target = (name: string) => JSON.parse(ws.read(`apps/${name}/project.json`)).targets['docker-multiarch'];

  beforeAll(() => {
    ws = new Workspace('root-context-nest', []);
    ws.write('package.json', JSON.stringify({ name: 'nest-shop', private: true, workspaces: ['apps/*'] }, null, 2));
    ws.write(
      'package-lock.json',
      JSON.stringify(
        { name: 'nest-shop', lockfileVersion: 3, requires: true, packages: { '': { name: 'nest-shop', workspaces: ['apps/*'] } } },
        null,
        2,
      ),
    );
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
        `it builds from the context '.' (apps/${name}/Dockerfile copies package.json, package-lock.json, nx, nx.json, tsconfig.base.json, apps/${name} from the workspace root)`,
      );
      expect(target(name).options).toMatchObject({ context: '.', platforms: NEST_PLATFORMS, push: true });
      expect(target(name).inputs).toEqual([
        '{projectRoot}/**/*',
        '^{projectRoot}/**/*',
        '{workspaceRoot}/package.json',
        '{workspaceRoot}/package-lock.json',
        '{workspaceRoot}/nx.json',
        '{workspaceRoot}/tsconfig.base.json',
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
    // The advisor flags the emulated install and the nx build, and names the split of the stage for the build.
    for (const name of SERVICES) {
      expect(result.output).toContain(`${name}:docker-multiarch: 2 steps will run under QEMU emulation for linux/arm64`);
    }
    expect(result.output).toMatch(
      /^ {2}Dockerfile:7 \(build\) nx build: split the stage: the install with dev dependencies and the nx build in a stage FROM --platform=\$BUILDPLATFORM/m,
    );
    expect(result.output).toContain(
      '  the nx build moves to the build platform with a split of its stage, by hand: node_modules/nx-crossbake/docs/cross-compile.md#nx-builds-split-by-hand',
    );
    // The page it names is in the installed package.
    expect(readFileSync(join(ws.dir, 'node_modules/nx-crossbake/docs/cross-compile.md'), 'utf8')).toMatch(/^## Nx builds: split by hand$/m);
    for (const name of SERVICES) {
      expect(registryPlatforms(imageRef(name))).toEqual(NEST_PLATFORMS);
      expect(runImage(imageRef(name), 'linux/amd64')).toBe(`${name} started on x64`);
      expect(runImage(imageRef(name), 'linux/arm64')).toBe(`${name} started on arm64`);
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
        "apps/nest-api/Dockerfile copies package.json (line 3), package-lock.json (line 3), nx (line 5), nx.json (line 5), tsconfig.base.json (line 5), apps/nest-api (line 6) from its build context 'apps/nest-api', which does not have them; " +
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
});

const bakeTargetNames = (ws: Workspace, call: string): string[] => Object.keys(JSON.parse(ws.read(ws.bakeFile(call))).target);
