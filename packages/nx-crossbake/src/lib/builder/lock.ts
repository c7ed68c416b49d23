import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrossbakeError } from '../errors';

export interface LockOptions {
  /** Give up after this long. */
  timeoutMs?: number;
  /** A lock older than this is taken over even if its owner seems alive (a hung process). */
  staleMs?: number;
  pollMs?: number;
}

/** A machine-wide lock: every Nx process and task of this user shares it. */
export const lockPath = (name: string) =>
  join(tmpdir(), `nx-crossbake-${process.getuid?.() ?? 'user'}`, `${name.replace(/[^a-zA-Z0-9_.-]/g, '_')}.lock`);

interface Owner {
  pid: number;
  host: string;
  since: number;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const ageOf = (path: string) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Date.now();
  }
};

function readOwner(path: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(join(path, 'owner.json'), 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` while holding a lock shared across processes. mkdir is atomic, so exactly one process
 * creates the folder; the others wait. A lock left by a dead process (SIGKILL, crash) is taken over.
 */
export async function withLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const { timeoutMs = 5 * 60_000, staleMs = 10 * 60_000, pollMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  mkdirSync(join(path, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(path);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = readOwner(path);
    // No owner file yet means the lock is being taken right now: wait, unless that lasts (a taker died).
    const abandoned = owner
      ? (owner.host === hostname() && !isAlive(owner.pid)) || Date.now() - owner.since > staleMs
      : Date.now() - ageOf(path) > 10_000;
    if (abandoned) {
      rmSync(path, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new CrossbakeError(
        `timed out after ${Math.round(timeoutMs / 1000)}s waiting for the lock ${path}` +
          (owner ? ` held by pid ${owner.pid} on ${owner.host}` : '') +
          ': if no nx-crossbake process is running, remove that folder',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }

  const owner: Owner = { pid: process.pid, host: hostname(), since: Date.now() };
  writeFileSync(join(path, 'owner.json'), JSON.stringify(owner));
  const release = () => rmSync(path, { recursive: true, force: true });
  process.once('exit', release);
  try {
    return await fn();
  } finally {
    process.removeListener('exit', release);
    release();
  }
}
