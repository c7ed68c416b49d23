import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_IMAGE, E2E_DIR, imageRef, RUN_ID, run, SETUP_OPTIONS, Workspace } from './support/workspace';

/**
 * A warm run (builder in place, nothing changed) starts its bake and almost nothing else: counted by the
 * docker shim the Workspace keeps, by a git shim added here, and by the run's own count (`--verbose`). A
 * builder removed behind the plugin's back is set up again, whatever an earlier run recorded of it.
 */
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
// A builder of this test's own: removing it must not pull the shared one from under other tests.
const BUILDER = `warm-${RUN_ID}`;
const BESIDES_THE_BAKE = 3;

function git(ws: Workspace, ...args: string[]): string {
  const result = run('git', ['-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', ...args], { cwd: ws.dir });
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed:\n${result.output}`);
  return result.stdout.trim();
}

/**
 * `git` and `docker` first on PATH, recording every invocation with the process that started it, then running
 * the real one. Nx itself runs git (its own repository checks): only what the plugin's process started counts,
 * and the plugin's process is the one that ran the bake.
 */
function processShims(ws: Workspace): { calls: () => { pid: string; command: string }[]; clear: () => void } {
  const log = join(E2E_DIR, 'ws-warm.processes.log');
  for (const program of ['git', 'docker']) {
    const real = run('bash', ['-c', `command -v ${program}`]).stdout.trim();
    ws.write(`.shim/${program}`, `#!/bin/sh\nprintf '%s\\t%s %s\\n' "$PPID" ${program} "$*" >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(join(ws.dir, `.shim/${program}`), 0o755);
  }
  return {
    calls: () =>
      (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []).map((line) => {
        const [pid, command] = line.split('\t');
        return { pid, command };
      }),
    clear: () => rmSync(log, { force: true }),
  };
}

describe('a warm run', () => {
  let ws: Workspace;
  let shims: ReturnType<typeof processShims>;
  // Reuse off: this is the run that bakes (a nothing-changed run that reuses bakes nothing: reuse.e2e.ts).
  const options = (name: string) => ({
    platforms: PLATFORMS,
    tags: [imageRef(`warm-${name}`)],
    push: true,
    builder: BUILDER,
    reuse: false,
  });
  /** One run-many, with the docker and git processes the plugin started: its bakes, and the others. */
  const runMany = () => {
    shims.clear();
    const result = ws.nx(['run-many', '-t', 'docker-multiarch', '--verbose']);
    if (result.code !== 0) throw new Error(`run failed:\n${result.output}`);
    const calls = shims.calls();
    const isBake = (command: string) => /^docker (--context \S+ )?buildx (--builder \S+ )?bake /.test(command);
    const plugin = new Set(calls.filter((c) => isBake(c.command)).map((c) => c.pid));
    expect(plugin.size).toBe(1);
    const ours = calls.filter((c) => plugin.has(c.pid)).map((c) => c.command);
    return {
      result,
      bakes: ours.filter(isBake),
      others: ours.filter((c) => !isBake(c)),
      nx: calls.filter((c) => !plugin.has(c.pid)).map((c) => c.command),
    };
  };

  beforeAll(() => {
    ws = new Workspace(
      'warm',
      [
        {
          name: 'api',
          root: 'apps/api',
          dockerfile: `FROM ${BASE_IMAGE}\nCOPY . /app\nRUN cat /app/motd > /built\n`,
          files: { motd: 'api\n' },
          options: options('api'),
        },
        {
          name: 'web',
          root: 'apps/web',
          dockerfile: `FROM ${BASE_IMAGE}\nCOPY . /app\nRUN cat /app/motd > /built\n`,
          files: { motd: 'web\n' },
          options: options('web'),
        },
      ],
      {},
      { ...SETUP_OPTIONS, builder: BUILDER },
    );
    ws.write('.gitignore', 'node_modules\ndist\ntmp\n.nx\n.shim\n');
    git(ws, 'init', '-q', '-b', 'main');
    git(ws, 'add', '-A');
    git(ws, 'commit', '-q', '-m', 'one');
    shims = processShims(ws);
  });

  afterAll(() => {
    run('docker', ['buildx', 'rm', '--force', BUILDER]);
  });

  it(`starts at most ${BESIDES_THE_BAKE} docker and git processes besides the bake, and says how many`, () => {
    const cold = runMany();
    expect(cold.others.length).toBeGreaterThan(BESIDES_THE_BAKE); // the first run checks the builder
    const warm = runMany();
    expect(warm.bakes).toHaveLength(1);
    expect(warm.others.length).toBeLessThanOrEqual(BESIDES_THE_BAKE);
    expect(warm.others.join('\n')).not.toMatch(/buildx version|buildx inspect|^docker info/m);
    // Nx's own git calls come from its other processes, and are not the plugin's.
    expect(warm.nx.every((c) => c.startsWith('git '))).toBe(true);
    // The run's own count names the same processes.
    const said = warm.result.output.match(/^nx-crossbake: processes started: (\d+) besides the bake\b.*; 1 bake$/m);
    expect(said).not.toBeNull();
    expect([Number(said![1]), warm.others]).toEqual([warm.others.length, warm.others]);
    // Durations come from the bake's own records: the history query the run made is one buildx accepts, and
    // it lists the records of this bake's two builds.
    const history = warm.others.find((c) => c.includes(' history ls '));
    expect(history).toBeDefined();
    const listed = run('docker', history!.split(' ').slice(1));
    expect([listed.code, listed.stderr]).toEqual([0, '']);
    expect(listed.stdout.split('\n').filter((l) => l.startsWith('{')).length).toBeGreaterThanOrEqual(2);
    process.stderr.write(
      `\n[e2e] warm run: ${warm.others.length} besides the bake:\n  ${warm.others.join('\n  ')}\n(Nx itself: ${warm.nx.length} git)\n`,
    );
  });

  it('dates each image by the last commit that touched it, from one git walk, asked again only for a new commit', () => {
    // SOURCE_DATE_EPOCH is the constant 0; the commit's time is the created label's.
    const epochs = (bake: string) => {
      const file = bake.match(/--file (\S+)/)![1];
      const targets = (
        JSON.parse(ws.read(file)) as { target: Record<string, { args?: Record<string, string>; labels?: Record<string, string> }> }
      ).target;
      return Object.fromEntries(
        Object.entries(targets).map(([name, t]) => [
          name,
          `${t.args?.SOURCE_DATE_EPOCH} ${Date.parse(t.labels?.['org.opencontainers.image.created'] ?? '') / 1000}`,
        ]),
      );
    };
    const one = git(ws, 'log', '-1', '--format=%ct');
    ws.write('apps/web/motd', 'web, again\n');
    git(ws, 'commit', '-q', '-am', 'two');
    const changed = runMany();
    const two = git(ws, 'log', '-1', '--format=%ct');
    expect(two).not.toBe(one);
    expect(epochs(changed.bakes[0])).toEqual({ api: `0 ${one}`, web: `0 ${two}` });
    expect(changed.others.filter((c) => /^git (--\S+ )*log /.test(c))).toHaveLength(1);
    // the same commit again: git is asked for the commit only
    const same = runMany();
    expect(epochs(same.bakes[0])).toEqual({ api: `0 ${one}`, web: `0 ${two}` });
    expect(same.others.filter((c) => c.startsWith('git '))).toEqual([
      'git rev-parse --git-path config --is-shallow-repository HEAD --symbolic-full-name HEAD',
    ]);
  });

  it('sets a builder removed since the last run up again, and builds', () => {
    runMany();
    expect(run('docker', ['buildx', 'rm', BUILDER]).code).toBe(0);
    const again = runMany();
    expect(again.result.output).toContain(`builder ${BUILDER} is not as an earlier run found it (bake did not find it)`);
    expect(again.bakes).toHaveLength(2);
    expect(again.result.output).toMatch(/^api\s+pushed\s/m);
    expect(again.result.output).toMatch(/^web\s+pushed\s/m);
    // and the next run is warm again
    expect(runMany().others.length).toBeLessThanOrEqual(BESIDES_THE_BAKE);
  });
});
