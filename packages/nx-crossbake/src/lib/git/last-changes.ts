/**
 * The last change of each task's inputs, from one `git log` walk: argv, parser, and the walk itself, stopped
 * as soon as every task has its answer.
 */
import type { Exec } from '../process/exec';

/** The newest commit on this branch's first-parent line that changed a task's inputs. */
interface LastChange {
  /** The committer time, in Unix seconds. */
  epoch: number;
  revision: string;
}

/** One input of a task: a file, or a folder with everything under it, as git lists them. */
export interface InputPath {
  /** Relative to the walk's folder (the workspace root), POSIX separators; `.` is the whole tree. */
  path: string;
  /**
   * Whether a change to this file (as git lists it, at or under `path`) counts for the task; every one does
   * when absent. What decides it is the caller's (e.g. an image's .dockerignore): this module stays generic.
   */
  counts?: (file: string) => boolean;
}

// A commit's header in the walk: a record separator, then `<committer time> <hash>`. File names follow, each
// ended by NUL (-z), so no name is ever quoted or split.
// eslint-disable-next-line no-control-regex -- the record separator git prints for %x1e is what the pattern is for
const HEADER = /^\n*\x1e(\d+) ([0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * git argv: one walk down the first-parent line from HEAD, listing each commit that changed any of `paths`
 * with the files it changed there (a merge: against its first parent). So every task's last change comes from
 * one process. First-parent makes "last change" the commit where the change reached this branch: for a merged
 * feature branch, the merge. Renames are listed as a deletion and an addition, so both sides see the change;
 * paths are taken literally (a `[` in a folder name is not a glob).
 */
export const getLastChangesCommand = (paths: readonly string[]): string[] => [
  '--literal-pathspecs',
  'log',
  '--first-parent',
  '-m',
  '--no-renames',
  '--relative',
  '-z',
  '--format=%x1e%ct %H',
  '--name-only',
  '--',
  ...paths,
];

/** Whether a changed file is, or is under, the input's path, and counts for it. */
const touches = (file: string, { path, counts }: InputPath) =>
  (path === '.' || file === path || file.startsWith(`${path}/`)) && (counts?.(file) ?? true);

/** Reads the walk's output piece by piece; `found` holds each task's last change so far. */
function lastChangesReader(tasks: ReadonlyMap<string, readonly InputPath[]>) {
  const found = new Map<string, LastChange>();
  let commit: LastChange | undefined;
  // The last token until its NUL arrives: it may be a name cut off, never matched.
  let pending = '';
  const read = (token: string) => {
    const header = token.match(HEADER);
    if (header) {
      commit = { epoch: Number(header[1]), revision: header[2] };
      return;
    }
    const file = token.replace(/^\n+/, '');
    if (!commit || file === '') return;
    for (const [id, inputs] of tasks) if (!found.has(id) && inputs.some((input) => touches(file, input))) found.set(id, commit);
  };
  return {
    found,
    /** Reads a piece of output; true once every task has its answer. */
    push(chunk: string): boolean {
      const tokens = (pending + chunk).split('\0');
      pending = tokens.pop()!;
      for (const token of tokens) if (found.size < tasks.size) read(token);
      return found.size === tasks.size;
    },
  };
}

/**
 * The walk's output → each task's last change: the first (newest) commit listing a file that counts for one
 * of its inputs. Output cut short (the walk stopped once it had said enough) parses the same: an unfinished
 * last name is only ever a prefix, and a task it would have matched is matched by no other.
 */
export function parseLastChanges(stdout: string, tasks: ReadonlyMap<string, readonly InputPath[]>): Map<string, LastChange> {
  const reader = lastChangesReader(tasks);
  reader.push(stdout);
  return reader.found;
}

/** The pathspec covering every task's inputs, each path once (`.` covers all). */
const pathspec = (tasks: ReadonlyMap<string, readonly InputPath[]>) => {
  const paths = new Set([...tasks.values()].flat().map((input) => input.path));
  return paths.has('.') ? ['.'] : [...paths];
};

/**
 * Each task's last change (task → its inputs), from one git process stopped once every task has a commit that
 * counts for it: a commit that only touched files no input counts does not stop the walk. Undefined when git
 * could not walk (not a repository, no commit yet); a task git knows no change of has none.
 */
export async function readLastChanges(
  exec: Exec,
  cwd: string,
  tasks: ReadonlyMap<string, readonly InputPath[]>,
): Promise<Map<string, LastChange> | undefined> {
  const reader = lastChangesReader(tasks);
  const result = await exec('git', getLastChangesCommand(pathspec(tasks)), { cwd, stopWhen: (chunk) => reader.push(chunk) });
  if (result.exitCode !== 0 && !result.stopped) return undefined;
  // Every task answered while streaming; else the whole output is read (a runner need not stream it).
  return reader.found.size === tasks.size ? reader.found : parseLastChanges(result.stdout, tasks);
}
