import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { withLock } from './lock';

const freshLock = () => join(mkdtempSync(join(tmpdir(), 'crossbake-lock-')), 'x.lock');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('withLock', () => {
  it('runs callers one at a time and releases the lock', async () => {
    const path = freshLock();
    const order: string[] = [];
    const task = (id: string) =>
      withLock(path, async () => {
        order.push(`${id}+`);
        await sleep(30);
        order.push(`${id}-`);
      }, { pollMs: 5 });
    await Promise.all([task('a'), task('b'), task('c')]);
    expect(order).toHaveLength(6);
    for (let i = 0; i < 6; i += 2) expect(order[i].slice(0, 1)).toBe(order[i + 1].slice(0, 1));
    expect(existsSync(path)).toBe(false);
  });

  it('releases the lock when the work throws', async () => {
    const path = freshLock();
    await expect(withLock(path, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(path)).toBe(false);
  });

  it('takes over a lock whose owner process is dead', async () => {
    const path = freshLock();
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    mkdirSync(path);
    writeFileSync(join(path, 'owner.json'), JSON.stringify({ pid: child.pid, host: hostname(), since: Date.now() }));
    await expect(withLock(path, async () => 'mine', { timeoutMs: 2000 })).resolves.toBe('mine');
  });

  it('waits for a live owner and gives up with a message naming it', async () => {
    const path = freshLock();
    mkdirSync(path);
    writeFileSync(join(path, 'owner.json'), JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now() }));
    await expect(withLock(path, async () => 'never', { timeoutMs: 200, pollMs: 20 })).rejects.toThrow(
      new RegExp(`timed out after 0s waiting for the lock .* held by pid ${process.pid}`),
    );
  });
});
