import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ensurePrivateFolder, lockRoot } from './lock';

/**
 * Where a run keeps its own files (bake files, metadata, retry files, generated buildkitd.toml): in the
 * user's private folder beside the locks, never in the workspace. Inside it they would sit in every root
 * build context (`"context": "."`) and, changing on every run, make `COPY . …` run again each time.
 *
 *   <tmpdir>/nx-crossbake-<uid>/workspaces/<name>-<hash>/runs/<time>-<pid>/
 */

/** Run folders older than this are removed when a later run starts, and workspace folders no run used for as long. */
export const KEEP_RUNS_MS = 3 * 24 * 60 * 60 * 1000;

/** One folder per workspace: its name for people, a hash of its path so two checkouts never share one. */
function workspaceSegments(workspaceRoot: string): string[] {
  const path = resolve(workspaceRoot);
  const name =
    basename(path)
      .replace(/[^a-zA-Z0-9_.-]/g, '_')
      .slice(0, 40) || 'root';
  return ['workspaces', `${name}-${createHash('sha256').update(path).digest('hex').slice(0, 12)}`];
}

export const workspaceFilesDir = (workspaceRoot: string, env: NodeJS.ProcessEnv = process.env) =>
  join(lockRoot(env), ...workspaceSegments(workspaceRoot));

export const runFolderName = (date: Date, pid: number) => `${date.toISOString().replace(/[:.]/g, '-')}-${pid}`;

/** When the run of a folder named by runFolderName started (ms); undefined for any other name. */
export function runFolderTime(name: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z-\d+$/.exec(name);
  if (!m) return undefined;
  const time = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`);
  return Number.isNaN(time) ? undefined : time;
}

/** The run folders to remove: ours by name, older than keepMs. Anything else in the folder is left alone. */
export const staleRunFolders = (names: readonly string[], now: number, keepMs = KEEP_RUNS_MS): string[] =>
  names.filter((name) => {
    const time = runFolderTime(name);
    return time !== undefined && now - time > keepMs;
  });

/** Makes every level of `path` below the user's private root private too (the root is checked first). */
function ensurePrivatePath(root: string, ...segments: string[]): string {
  let dir = root;
  ensurePrivateFolder(dir);
  for (const segment of segments) {
    dir = join(dir, segment);
    ensurePrivateFolder(dir);
  }
  return dir;
}

/** The workspace folders no run has touched for keepMs: checkouts removed since, temporary workspaces. */
export const staleWorkspaceFolders = (
  folders: readonly { name: string; mtimeMs: number }[],
  now: number,
  keepMs = KEEP_RUNS_MS,
): string[] => folders.filter((f) => now - f.mtimeMs > keepMs).map((f) => f.name);

/**
 * Removes this workspace's old run folders, and the folders of workspaces without a run for as long; marks
 * this workspace's folder as used. Two readdirs and a stat per workspace; never fails a run.
 */
function prune(workspacesDir: string, own: string, now: Date): void {
  try {
    const runs = join(workspacesDir, own, 'runs');
    for (const name of staleRunFolders(readdirSync(runs), now.getTime())) rmSync(join(runs, name), { recursive: true, force: true });
    utimesSync(join(workspacesDir, own), now, now);
    const others = readdirSync(workspacesDir)
      .filter((name) => name !== own)
      .map((name) => ({ name, mtimeMs: lstatSync(join(workspacesDir, name)).mtimeMs }));
    for (const name of staleWorkspaceFolders(others, now.getTime())) rmSync(join(workspacesDir, name), { recursive: true, force: true });
  } catch {
    // a folder another run is removing, or no permission: the next run tries again
  }
}

/**
 * A new private folder (mode 0700) for this run's files, outside the workspace; old runs of the workspace
 * are pruned first. Absolute: bake takes it with `--file`, and still resolves the definition's relative
 * contexts against its working directory, the workspace.
 */
export function makeRunDir(workspaceRoot: string, run: { date?: Date; pid?: number; env?: NodeJS.ProcessEnv } = {}): string {
  const { date = new Date(), pid = process.pid, env = process.env } = run;
  const [workspaces, own] = workspaceSegments(workspaceRoot);
  const runs = ensurePrivatePath(lockRoot(env), workspaces, own, 'runs');
  prune(join(lockRoot(env), workspaces), own, date);
  const dir = join(runs, runFolderName(date, pid));
  ensurePrivateFolder(dir);
  return dir;
}

/** The private folder for the buildkitd.toml files setup generates for this workspace's builders. */
export const buildkitdConfigDir = (workspaceRoot: string, env: NodeJS.ProcessEnv = process.env) =>
  ensurePrivatePath(lockRoot(env), ...workspaceSegments(workspaceRoot));
