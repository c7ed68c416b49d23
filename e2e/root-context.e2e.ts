import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, relative } from 'node:path';
import { ROOT_CONTEXT_IGNORES, withDockerignores } from '../packages/nx-crossbake/src/generators/lib/dockerignore-files';
import { BASE_IMAGE, imageRef, run, RUN_ID, Workspace, type CommandResult } from './support/workspace';

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
