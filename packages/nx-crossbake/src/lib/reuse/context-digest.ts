/**
 * A digest of a task's whole build context as BuildKit receives it: every file, folder and symlink under the
 * context that its .dockerignore lets through, not only what COPY names (RUN --mount=type=bind reads the
 * rest). Files git vouches for are identified by their blob id without being read; the others are hashed
 * the way git would hash them, so a file has one id whether it is tracked or not, and two machines on one
 * commit agree (unless their checkouts differ in permission bits, by umask: that costs reuse, never a false one).
 *
 * In the digest, per entry: its path, kind, permission bits, and a file's blob id or a symlink's target.
 * Left out on purpose:
 * - mtimes and ctimes: a checkout sets them, and BuildKit's SOURCE_DATE_EPOCH/rewrite-timestamp decide what
 *   the image records; they would make every clone differ.
 * - uid, gid: COPY sets the owner (root, or --chown); a clone's owner is whoever ran it.
 * - xattrs, hard links between context files, device numbers: rare in a source tree, and not what a
 *   Dockerfile means to depend on.
 * The Dockerfile itself is sent apart from the context (and counted here only when it lies inside it, not
 * ignored): whatever keys an image on its Dockerfile reads it separately.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CrossbakeError } from '../core/errors';
import { cleanPath, isIgnored, keepsOut, type IgnorePattern } from '../dockerfile/dockerignore-matcher';
import { readContextIgnore } from '../facts/context-ignore';
import { readTrackedBlobs, type ObjectFormat } from '../git/tracked-blobs';
import type { ServiceOptions } from '../options/service-options';
import type { Exec } from '../process/exec';

export interface ContextDigest {
  /** `sha256:<hex>` over the serialized entries. */
  digest: string;
  /** Regular files in the digest. */
  files: number;
  /** Of those, the ones read and hashed here (not vouched for by git: untracked, changed, or converted on checkout). */
  hashedFromContent: number;
}

type ContextTask = Pick<ServiceOptions, 'context' | 'file'>;

// Bumped whenever what goes into the digest changes, so no digest of one format equals one of another.
const FORMAT = 'nx-crossbake/context-digest/v1';
// Files are read in chunks of this size (most whole).
const CHUNK = 1 << 20;
// The walk and the reads use fs's synchronous calls, handing the event loop back every few milliseconds (git's
// output keeps flowing meanwhile). On files the page cache holds (a checkout just made, a build's output) they
// are several times quicker than fs.promises or callbacks, which pay a thread hand-off per call: on a 2-core
// machine, 20,000 lstat took 0.18 s against 0.35–0.8 s, reading and hashing them 0.4 s against 1.2–1.7 s.
const SLICE_MS = 8;

/** Resolves at once, or on the event loop's next turn once this slice of synchronous work is used up. */
function slicer(): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < SLICE_MS) return;
    await nextTurn();
    since = performance.now();
  };
}

type Kind = 'file' | 'dir' | 'symlink' | 'other';

interface Entry {
  /** Context-relative, `/`-separated; `.` for the context itself. */
  path: string;
  kind: Kind;
  /** Permission bits: mode & 0o7777. */
  mode: number;
  /** A file's blob id (once known), a symlink's target; empty for the others. */
  content: string;
}

const kindOf = (stats: Stats): Kind =>
  stats.isFile() ? 'file' : stats.isDirectory() ? 'dir' : stats.isSymbolicLink() ? 'symlink' : 'other';

const isGone = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** Go's sort of directory names (BuildKit's walk order): by UTF-8 bytes, which JavaScript's `<` is not. */
function sortByName(dirents: Dirent[]): Dirent[] {
  const keys = new Map(dirents.map((d) => [d, Buffer.from(d.name)]));
  return dirents.sort((a, b) => Buffer.compare(keys.get(a)!, keys.get(b)!));
}

/** One entry, stat'ed (and a symlink read); undefined when it vanished since its folder was read. */
function entryOf(root: string, path: string): Entry | undefined {
  try {
    const stats = lstatSync(join(root, path));
    const kind = kindOf(stats);
    const content = kind === 'symlink' ? readlinkSync(join(root, path)) : '';
    return { path, kind, mode: stats.mode & 0o7777, content };
  } catch (e) {
    if (isGone(e)) return undefined;
    throw e;
  }
}

/**
 * Appends the entries under `folder` to `out` in BuildKit's walk order (depth first, names sorted). A folder
 * the ignore file excludes is still walked when an exception may bring something in it back, and then appears
 * only if something in it does (as fsutil sends the parents of what it sends); it is pruned when `keepsOut`
 * says nothing can. An ignored file is never stat'ed. Entries that vanish mid-walk are skipped, as fsutil does.
 */
async function walk(
  root: string,
  patterns: readonly IgnorePattern[],
  pause: () => Promise<void>,
  out: Entry[],
  folder = '.',
): Promise<void> {
  await pause();
  let dirents: Dirent[];
  try {
    dirents = sortByName(readdirSync(join(root, folder), { withFileTypes: true }));
  } catch (e) {
    if (isGone(e)) return;
    throw e;
  }
  const add = (entry: Entry | undefined, at = out.length) => {
    if (entry && at === out.length) out.push(entry);
    else if (entry) out.splice(at, 0, entry); // a parent let in after its content
  };
  for (const dirent of dirents) {
    const path = folder === '.' ? dirent.name : `${folder}/${dirent.name}`;
    const ignored = patterns.length > 0 && isIgnored(patterns, path);
    if (!dirent.isDirectory() || (patterns.length > 0 && keepsOut(patterns, path))) {
      if (!ignored) add(entryOf(root, path));
      continue;
    }
    const at = out.length;
    if (!ignored) add(entryOf(root, path));
    await walk(root, patterns, pause, out, path);
    if (ignored && out.length > at) add(entryOf(root, path), at);
  }
}

/** The context folder, workspace-relative and `/`-separated (`.` for the workspace itself). */
const contextFolder = (workspaceRoot: string, context: string) =>
  cleanPath(relative(workspaceRoot, resolve(workspaceRoot, context)).split(sep).join('/'));

/** A task's context, walked: the folder itself first. */
async function walkContext(
  workspaceRoot: string,
  task: ContextTask,
  folder: string,
  patterns: readonly IgnorePattern[],
  pause: () => Promise<void>,
): Promise<Entry[]> {
  const root = join(workspaceRoot, folder);
  let rootStats: Stats;
  try {
    rootStats = statSync(root);
  } catch (e) {
    if (isGone(e)) throw new CrossbakeError(`build context '${task.context}' does not exist (looked for ${root})`);
    throw e;
  }
  if (!rootStats.isDirectory()) throw new CrossbakeError(`build context '${task.context}' is not a folder (${root})`);
  const entries: Entry[] = [{ path: '.', kind: 'dir', mode: rootStats.mode & 0o7777, content: '' }];
  await walk(root, patterns, pause, entries);
  return entries;
}

/** git's blob id of a file's bytes: the hash of `blob <size>\0` and the content. */
async function blobId(file: string, objectFormat: ObjectFormat, buffer: Buffer, pause: () => Promise<void>): Promise<string> {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const hash = createHash(objectFormat).update(`blob ${size}\0`);
    let total = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
      total += read;
      await pause();
    }
    if (total !== size) throw changedWhileRead(file);
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

const changedWhileRead = (file: string) =>
  new CrossbakeError(`${file} changed while the build context's digest was computed: run again once nothing writes to it`);

/** sha256 over the format tag and every entry; NUL ends each field (no path, target or id holds one), four per entry. */
function serialize(entries: readonly Entry[]): string {
  const text = entries.map((e) => `${e.kind}\0${e.mode.toString(8)}\0${e.path}\0${e.content}\0`).join('');
  return `sha256:${createHash('sha256').update(`${FORMAT}\0`).update(text).digest('hex')}`;
}

/**
 * Each task's context digest (in the tasks' order), with one git listing for all of them, run while the
 * contexts are walked; then the files git does not vouch for are read. Throws BadPatternError
 * for an ignore file BuildKit would refuse, and CrossbakeError for a context that is not a folder.
 */
export async function contextDigests(exec: Exec, workspaceRoot: string, tasks: readonly ContextTask[]): Promise<ContextDigest[]> {
  // Tasks that share a context and an ignore file share one walk.
  const contexts = new Map<string, { task: ContextTask; folder: string; patterns: IgnorePattern[] }>();
  const keys = tasks.map((task) => {
    const folder = contextFolder(workspaceRoot, task.context);
    const ignore = readContextIgnore(workspaceRoot, task);
    const key = `${folder}\0${ignore.file}`;
    if (!contexts.has(key)) contexts.set(key, { task, folder, patterns: ignore.patterns });
    return key;
  });
  const tracked = readTrackedBlobs(exec, workspaceRoot, [...new Set([...contexts.values()].map((c) => c.folder))]);
  tracked.catch(() => undefined); // awaited below; a walk that fails first must not leave it unhandled
  const pause = slicer();
  const walked = new Map<string, Entry[]>();
  for (const [key, { task, folder, patterns }] of contexts)
    walked.set(key, await walkContext(workspaceRoot, task, folder, patterns, pause));
  const { objectFormat, blobs } = await tracked;
  const unvouched = new Map<string, number>();
  const toRead: { file: string; entry: Entry }[] = [];
  for (const [key, entries] of walked) {
    const { folder } = contexts.get(key)!;
    let count = 0;
    for (const entry of entries) {
      if (entry.kind !== 'file') continue;
      const vouched = blobs.get(folder === '.' ? entry.path : `${folder}/${entry.path}`);
      if (vouched) entry.content = vouched;
      else {
        toRead.push({ file: join(workspaceRoot, folder, entry.path), entry });
        count++;
      }
    }
    unvouched.set(key, count);
  }
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (const { file, entry } of toRead) {
    try {
      entry.content = await blobId(file, objectFormat, buffer, pause);
    } catch (e) {
      throw isGone(e) ? changedWhileRead(file) : e;
    }
  }
  return keys.map((key) => {
    const entries = walked.get(key)!;
    return { digest: serialize(entries), files: entries.filter((e) => e.kind === 'file').length, hashedFromContent: unvouched.get(key)! };
  });
}

/** One task's context digest: `contextDigests` for one. */
export async function contextDigest(exec: Exec, workspaceRoot: string, task: ContextTask): Promise<ContextDigest> {
  return (await contextDigests(exec, workspaceRoot, [task]))[0];
}
