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

/** Whether a changed file (repository-relative, as git lists it) is one of, or under one of, `paths`. */
const touches = (file: string, paths: readonly string[]) => paths.some((p) => p === '.' || file === p || file.startsWith(`${p}/`));

/**
 * The walk's output → each task's last change: the first (newest) commit listing a file under its paths.
 * Output cut short (the walk stopped once it had said enough) parses the same: an unfinished last name is
 * only ever a prefix, and a task it would have matched is matched by no other.
 */
export function parseLastChanges(stdout: string, tasks: ReadonlyMap<string, readonly string[]>): Map<string, LastChange> {
  const found = new Map<string, LastChange>();
  let commit: LastChange | undefined;
  const tokens = stdout.split('\0');
  // Without a final NUL the last token may be cut off: never matched.
  const complete = stdout.endsWith('\0') ? tokens.length : tokens.length - 1;
  for (let i = 0; i < complete; i++) {
    const header = tokens[i].match(HEADER);
    if (header) {
      commit = { epoch: Number(header[1]), revision: header[2] };
      continue;
    }
    const file = tokens[i].replace(/^\n+/, '');
    if (!commit || file === '') continue;
    for (const [id, paths] of tasks) if (!found.has(id) && touches(file, paths)) found.set(id, commit);
  }
  return found;
}

/**
 * Each task's last change (task → the paths of its inputs), from one git process stopped once every task has
 * its answer. Undefined when git could not walk (not a repository, no commit yet); a task git knows no change of
 * has none.
 */
export async function readLastChanges(
  exec: Exec,
  cwd: string,
  tasks: ReadonlyMap<string, readonly string[]>,
): Promise<Map<string, LastChange> | undefined> {
  let seen = '';
  const result = await exec('git', getLastChangesCommand([...new Set([...tasks.values()].flat())]), {
    cwd,
    stopWhen: (chunk) => {
      seen += chunk;
      return parseLastChanges(seen, tasks).size === tasks.size;
    },
  });
  if (result.exitCode !== 0 && !result.stopped) return undefined;
  return parseLastChanges(result.stdout, tasks);
}
