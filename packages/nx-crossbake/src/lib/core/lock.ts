/**
 * A machine-wide lock: our own mechanism, not a port of another tool's rule, so it cites no upstream. A
 * folder made with mkdir (atomic), an owner.json written O_EXCL|O_NOFOLLOW inside it, a private per-user
 * root, and takeover of a lock whose owner pid is dead on this host or whose age passes `staleMs`.
 * proper-lockfile 4.1.2 (same mkdir foundation, staleness from an mtime the holder refreshes) was weighed and
 * not taken: it records no owner (we tell users "held by pid 4242 on ci-7 since …, running `nx …`"), has no
 * dead-pid check (a SIGKILLed holder would block waiters until its stale time runs out), no private-folder or
 * symlink checks, and brings signal-exit@3 and retry@0.12. Known limit, tested: a live holder older than
 * `staleMs` (10 min) is taken over; today's critical sections (builder creation, binfmt registration) are short.
 */
import { randomUUID } from 'node:crypto';
import type { Stats } from 'node:fs';
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CrossbakeError } from './errors';

interface LockOptions {
  /** Give up after this long. */
  timeoutMs?: number;
  /** A lock older than this is taken over even if its owner seems alive (a hung process). */
  staleMs?: number;
  pollMs?: number;
  /** Told when this call starts waiting for a holder, and again whenever the holder changes. */
  onWait?: (wait: LockWait) => void;
}

/** What owner.json records: enough to tell a user who holds the lock. */
export interface LockOwner {
  pid: number;
  host: string;
  since: number;
  command?: string;
  /** Tells two holdings of one pid apart, so a waiter never removes a lock it did not judge abandoned. */
  nonce?: string;
}

export interface LockWait {
  path: string;
  owner?: LockOwner;
  message: string;
}

/** The per-user folder of every lock; CROSSBAKE_LOCK_DIR moves it (it must be private all the same). */
/** Lock options that say, once per holder, who holds the lock a process waits for. */
export const waitingLogged = (log: (message: string) => void): LockOptions => ({ onWait: (wait) => log(`nx-crossbake: ${wait.message}`) });

export const lockRoot = (env: NodeJS.ProcessEnv = process.env) =>
  env.CROSSBAKE_LOCK_DIR || join(tmpdir(), `nx-crossbake-${process.getuid?.() ?? 'user'}`);

/** A machine-wide lock: every Nx process and task of this user shares it. */
export const lockPath = (name: string, root: string = lockRoot()) => join(root, `${name.replace(/[^a-zA-Z0-9_.-]/g, '_')}.lock`);

// Undefined on Windows, where the uid and mode checks do not apply either.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const DIRECTORY = constants.O_DIRECTORY ?? 0;
const TAKER_GRACE_MS = 10_000;

type FolderStat = Pick<Stats, 'uid' | 'mode' | 'isDirectory' | 'isSymbolicLink'>;

/**
 * Why a folder must not hold our locks, or undefined when it is private to `uid`. Without a uid (Windows)
 * only its kind is checked. Pure, so table-tested.
 */
export function folderProblem(st: FolderStat, uid: number | undefined): string | undefined {
  if (st.isSymbolicLink()) return 'is a symbolic link';
  if (!st.isDirectory()) return 'is not a folder';
  if (uid === undefined) return undefined;
  if (st.uid !== uid) return `is owned by uid ${st.uid}, not by you (uid ${uid})`;
  if (st.mode & 0o022) return `can be written by its group or by others (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')})`;
  return undefined;
}

const refuse = (dir: string, problem: string, fix = `remove it (as its owner, or root: \`rm -rf ${dir}\`) and run again`) =>
  new CrossbakeError(
    `nx-crossbake will not keep its locks in ${dir}: it ${problem}, so another local user could block or redirect them. ` +
      `To fix it, ${fix}, or set CROSSBAKE_LOCK_DIR to a folder only you can write`,
  );

/**
 * Makes `dir` a folder only this user can write, or refuses it. The folder sits at a predictable path in a
 * shared temp folder, so another user could have made it first, or a symlink in its place.
 */
export function ensurePrivateFolder(dir: string): void {
  const up = dirname(dir);
  mkdirSync(up, { recursive: true });
  const upStat = statSync(up);
  // Without the sticky bit anyone who can write `up` can rename our folder away and put theirs instead.
  if (process.platform !== 'win32' && upStat.mode & 0o022 && !(upStat.mode & 0o1000)) {
    throw refuse(
      dir,
      `sits in ${up}, which others can write and which lacks the sticky bit`,
      `make that folder sticky (\`chmod +t ${up}\`)`,
    );
  }
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const uid = process.getuid?.();
  if (uid === undefined) {
    const problem = folderProblem(lstatSync(dir), uid);
    if (problem) throw refuse(dir, problem);
    return;
  }
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY | DIRECTORY | NOFOLLOW);
  } catch {
    throw refuse(dir, folderProblem(lstatSync(dir), uid) ?? 'cannot be opened');
  }
  try {
    // fstat checks the folder we opened, not whatever the path names a moment later.
    const st = fstatSync(fd);
    const problem = folderProblem(st, uid);
    if (problem) throw refuse(dir, problem);
    if (st.mode & 0o077) fchmodSync(fd, 0o700); // made readable by an older version: owner.json names commands
  } finally {
    closeSync(fd);
  }
}

const mtimeOf = (path: string) => {
  try {
    return lstatSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const isOwner = (value: unknown): value is LockOwner => {
  const o = value as LockOwner;
  return typeof o === 'object' && o !== null && typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.since === 'number';
};

/** The lock as a waiter sees it; `identity` changes whenever the lock is taken again. */
interface Held {
  owner?: LockOwner;
  mtimeMs: number;
  identity: string;
}

/** Reads a lock without following symlinks; undefined once it is released. */
export function inspectLock(path: string): Held | undefined {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return undefined; // released meanwhile
  }
  if (!st.isDirectory()) {
    throw new CrossbakeError(
      `the lock ${path} is not a folder nx-crossbake made (${st.isSymbolicLink() ? 'a symbolic link' : 'a file'}): remove it and run again`,
    );
  }
  let owner: LockOwner | undefined;
  try {
    const fd = openSync(join(path, 'owner.json'), constants.O_RDONLY | NOFOLLOW);
    try {
      const parsed: unknown = JSON.parse(readFileSync(fd, 'utf8'));
      owner = isOwner(parsed) ? parsed : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    owner = undefined; // not written yet, or not ours to read
  }
  return { owner, mtimeMs: st.mtimeMs, identity: `${st.ino}:${st.mtimeMs}:${owner?.nonce ?? owner?.since ?? '-'}` };
}

/** "pid 4242 on ci-7 since 2026-11-03T10:00:00.000Z (12s ago), running `nx run-many …`" */
export function describeOwner(owner: LockOwner, now = Date.now()): string {
  const ago = Math.max(0, Math.round((now - owner.since) / 1000));
  const command = owner.command ? `, running \`${owner.command}\`` : '';
  return `pid ${owner.pid} on ${owner.host} since ${new Date(owner.since).toISOString()} (${ago}s ago)${command}`;
}

function isAbandoned(held: Held, staleMs: number, now: number): boolean {
  const { owner } = held;
  // No owner file yet means the lock is being taken right now: wait, unless that lasts (a taker died).
  if (!owner) return now - held.mtimeMs > TAKER_GRACE_MS;
  return (owner.host === hostname() && !isAlive(owner.pid)) || now - owner.since > staleMs;
}

/**
 * Removes an abandoned lock, provided it is still the one judged abandoned. The check and the removal run
 * under a second folder, so two waiters cannot both judge the same dead lock and one then remove the lock
 * the other has just taken. Returns false when another waiter is doing it.
 */
export function takeOver(path: string, judged: Held): boolean {
  const guard = `${path}.takeover`;
  try {
    mkdirSync(guard, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const since = mtimeOf(guard) ?? Date.now();
    if (Date.now() - since > TAKER_GRACE_MS) rmSync(guard, { recursive: true, force: true }); // its taker died mid-check
    return false;
  }
  try {
    if (inspectLock(path)?.identity === judged.identity) rmSync(path, { recursive: true, force: true });
    return true;
  } finally {
    rmSync(guard, { recursive: true, force: true });
  }
}

/** mkdir is atomic, so exactly one caller creates the folder; owner.json is created exclusively inside it. */
function tryAcquire(path: string, me: LockOwner): boolean {
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  let fd: number;
  try {
    fd = openSync(join(path, 'owner.json'), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false; // taken over in between: try again
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Releases only a lock this holding still owns: after a stale takeover the folder belongs to someone else. */
function release(path: string, me: LockOwner): void {
  let held: Held | undefined;
  try {
    held = inspectLock(path);
  } catch {
    return; // no longer a folder: not ours to remove
  }
  if (held?.owner?.nonce === me.nonce) rmSync(path, { recursive: true, force: true });
}

/**
 * Runs `fn` while holding a lock shared across processes. The lock's parent folder is checked to be
 * private first. A lock left by a dead process (SIGKILL, crash), or older than `staleMs`, is taken over.
 */
export async function withLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const { timeoutMs = 5 * 60_000, staleMs = 10 * 60_000, pollMs = 100, onWait } = options;
  const deadline = Date.now() + timeoutMs;
  ensurePrivateFolder(dirname(path));
  const command = process.argv.slice(1).join(' ').slice(0, 300);
  const me: LockOwner = { pid: process.pid, host: hostname(), since: 0, command, nonce: randomUUID() };
  let toldAbout: string | undefined;
  for (;;) {
    me.since = Date.now();
    if (tryAcquire(path, me)) break;
    const held = inspectLock(path);
    if (!held) continue;
    if (isAbandoned(held, staleMs, Date.now()) && takeOver(path, held)) continue;
    const who = held.owner ? ` held by ${describeOwner(held.owner)}` : ' (being taken, its owner not yet written)';
    if (Date.now() > deadline) {
      throw new CrossbakeError(
        `timed out after ${Math.round(timeoutMs / 1000)}s waiting for the lock ${path}${who}: if no nx-crossbake process is running, remove that folder`,
      );
    }
    const holder = held.owner?.nonce ?? held.identity;
    if (onWait && held.owner && holder !== toldAbout) {
      toldAbout = holder;
      onWait({ path, owner: held.owner, message: `waiting for the lock ${path}${who}` });
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }

  const onExit = () => release(path, me);
  process.once('exit', onExit);
  try {
    return await fn();
  } finally {
    process.removeListener('exit', onExit);
    release(path, me);
  }
}
