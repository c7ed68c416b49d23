import { spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';
import {
  describeOwner,
  ensurePrivateFolder,
  folderProblem,
  inspectLock,
  lockPath,
  lockRoot,
  takeOver,
  withLock,
  type LockWait,
} from './lock';

const scratches: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'crossbake-lock-'));
  scratches.push(dir);
  return dir;
};
afterAll(() => scratches.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const freshLock = () => join(scratch(), 'x.lock');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const uid = process.getuid?.() ?? 0;
const owner = (pid: number, extra: object = {}) => JSON.stringify({ pid, host: hostname(), since: Date.now(), ...extra });

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('lockPath', () => {
  it('puts a sanitised name in the per-user folder, or in the root it is given', () => {
    expect(lockPath('builder-my/b x')).toBe(join(tmpdir(), `nx-crossbake-${uid}`, 'builder-my_b_x.lock'));
    expect(lockPath('binfmt', '/r')).toBe('/r/binfmt.lock');
  });

  it('reads its root from CROSSBAKE_LOCK_DIR', () => {
    expect(lockRoot({ CROSSBAKE_LOCK_DIR: '/srv/locks' })).toBe('/srv/locks');
    expect(lockRoot({})).toBe(join(tmpdir(), `nx-crossbake-${uid}`));
  });
});

describe('folderProblem', () => {
  const stat = (kind: 'dir' | 'link' | 'file', owner: number, mode: number) => ({
    uid: owner,
    mode,
    isDirectory: () => kind === 'dir',
    isSymbolicLink: () => kind === 'link',
  });
  it.each([
    ['a private folder', stat('dir', 1000, 0o40700), 1000, undefined],
    ['a folder others may read', stat('dir', 1000, 0o40755), 1000, undefined],
    ['a symbolic link', stat('link', 1000, 0o120777), 1000, 'is a symbolic link'],
    ['a file', stat('file', 1000, 0o100600), 1000, 'is not a folder'],
    ['a folder of another user', stat('dir', 12345, 0o40700), 1000, 'is owned by uid 12345, not by you (uid 1000)'],
    ['a world-writable folder', stat('dir', 1000, 0o40777), 1000, 'can be written by its group or by others (mode 0777)'],
    ['a group-writable folder', stat('dir', 1000, 0o40770), 1000, 'can be written by its group or by others (mode 0770)'],
    ['a sticky world-writable folder', stat('dir', 1000, 0o41777), 1000, 'can be written by its group or by others (mode 1777)'],
    ['any folder where there are no uids (Windows)', stat('dir', 0, 0o40777), undefined, undefined],
  ])('%s', (_name, st, me, problem) => {
    expect(folderProblem(st, me)).toBe(problem);
  });
});

describe('the per-user lock folder', () => {
  it.each<[string, (dir: string) => void, string | ((dir: string) => string)]>([
    ['a symlink to a private folder', (dir) => symlinkSync(scratch(), dir), 'is a symbolic link'],
    ['a file', (dir) => writeFileSync(dir, ''), 'is not a folder'],
    ['a folder with mode 0777', (dir) => (mkdirSync(dir), chmodSync(dir, 0o777)), 'can be written by its group or by others (mode 0777)'],
    ['a group-writable folder', (dir) => (mkdirSync(dir), chmodSync(dir, 0o770)), 'can be written by its group or by others (mode 0770)'],
    [
      'a folder in a world-writable folder without the sticky bit',
      (dir) => chmodSync(join(dir, '..'), 0o777),
      (dir) =>
        `sits in ${join(dir, '..')}, which others can write and which lacks the sticky bit, so another local user could block or redirect them. To fix it, make that folder sticky (\`chmod +t ${join(dir, '..')}\`)`,
    ],
  ])('is refused when it is %s, and nothing runs or is written there', async (_name, prepare, problem) => {
    const dir = join(scratch(), 'nx-crossbake-u');
    prepare(dir);
    const fn = jest.fn(async () => 'ran');
    const before = lstatSync(dir, { throwIfNoEntry: false })?.isDirectory() ? readdirSync(dir) : [];
    const expected = typeof problem === 'string' ? problem : problem(dir);
    await expect(withLock(join(dir, 'b.lock'), fn)).rejects.toThrow(`nx-crossbake will not keep its locks in ${dir}: it ${expected}`);
    await expect(withLock(join(dir, 'b.lock'), fn)).rejects.toThrow(/, or set CROSSBAKE_LOCK_DIR to a folder only you can write$/);
    expect(fn).not.toHaveBeenCalled();
    if (lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) expect(readdirSync(dir)).toEqual(before);
  });

  (uid === 0 ? it : it.skip)('is refused when another user owns it (uid 12345)', async () => {
    const dir = join(scratch(), 'nx-crossbake-u');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 12345, 12345);
    const fn = jest.fn(async () => 'ran');
    await expect(withLock(join(dir, 'b.lock'), fn)).rejects.toThrow(
      `${dir}: it is owned by uid 12345, not by you (uid 0), so another local user could block or redirect them. To fix it, remove it (as its owner, or root: \`rm -rf ${dir}\`) and run again`,
    );
    expect(fn).not.toHaveBeenCalled();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('is created with mode 0700, with its missing parents', async () => {
    const dir = join(scratch(), 'a', 'b', 'locks');
    await expect(withLock(join(dir, 'x.lock'), async () => statSync(join(dir, 'x.lock', 'owner.json')).mode & 0o777)).resolves.toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('is tightened to 0700 when an older version left it readable by others', () => {
    const dir = join(scratch(), 'locks');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    ensurePrivateFolder(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});

describe('withLock', () => {
  it('runs callers one at a time and releases the lock', async () => {
    const path = freshLock();
    const order: string[] = [];
    const task = (id: string) =>
      withLock(
        path,
        async () => {
          order.push(`${id}+`);
          await sleep(30);
          order.push(`${id}-`);
        },
        { pollMs: 5 },
      );
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
    mkdirSync(path);
    writeFileSync(join(path, 'owner.json'), owner(await deadPid()));
    await expect(withLock(path, async () => 'mine', { timeoutMs: 2000 })).resolves.toBe('mine');
  });

  it('takes over a lock older than staleMs although its owner lives', async () => {
    const path = freshLock();
    mkdirSync(path);
    writeFileSync(join(path, 'owner.json'), owner(process.pid, { since: Date.now() - 60_000 }));
    await expect(withLock(path, async () => 'mine', { timeoutMs: 2000, staleMs: 30_000 })).resolves.toBe('mine');
  });

  it('names the holder (pid, host, since, command) while waiting and when it gives up', async () => {
    const path = freshLock();
    const since = Date.parse('2026-11-03T10:00:00.000Z');
    mkdirSync(path);
    writeFileSync(join(path, 'owner.json'), owner(process.pid, { since: Date.now() - 5000, command: 'nx run-many -t docker-multiarch' }));
    const waits: LockWait[] = [];
    const error = await withLock(path, async () => 'never', { timeoutMs: 200, pollMs: 20, onWait: (w) => waits.push(w) }).catch(
      (e: Error) => e,
    );
    const who = new RegExp(
      `held by pid ${process.pid} on ${hostname()} since \\S+Z \\(5s ago\\), running \`nx run-many -t docker-multiarch\``,
    );
    expect((error as Error).message).toMatch(new RegExp(`^timed out after 0s waiting for the lock ${path} ${who.source}: if no`));
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ path, owner: { pid: process.pid, command: 'nx run-many -t docker-multiarch' } });
    expect(waits[0].message).toMatch(who);
    expect(describeOwner({ pid: 7, host: 'ci-7', since }, since + 12_400)).toBe('pid 7 on ci-7 since 2026-11-03T10:00:00.000Z (12s ago)');
  });

  it('records its own holder in owner.json, readable by the next waiter', async () => {
    const path = freshLock();
    const seen = await withLock(path, async () => JSON.parse(readFileSync(join(path, 'owner.json'), 'utf8')));
    expect(seen).toMatchObject({ pid: process.pid, host: hostname(), command: expect.stringContaining('jest') });
  });

  it('does not follow an owner.json that is a symlink', async () => {
    const path = freshLock();
    const decoy = join(scratch(), 'decoy.json');
    writeFileSync(decoy, owner(process.pid, { command: 'decoy' }));
    mkdirSync(path);
    symlinkSync(decoy, join(path, 'owner.json'));
    const error: Error = await withLock(path, async () => 'never', { timeoutMs: 100, pollMs: 20 }).catch((e) => e);
    expect(error.message).toContain('(being taken, its owner not yet written)');
    expect(error.message).not.toContain('decoy');
  });

  it('refuses a lock that is a symlink, and leaves its target alone', async () => {
    const path = freshLock();
    const target = scratch();
    writeFileSync(join(target, 'keep'), '');
    symlinkSync(target, path);
    await expect(withLock(path, async () => 'never', { timeoutMs: 100 })).rejects.toThrow(
      `the lock ${path} is not a folder nx-crossbake made (a symbolic link)`,
    );
    expect(readdirSync(target)).toEqual(['keep']);
  });

  it('does not remove, on release, a lock someone took over from it', async () => {
    const path = freshLock();
    let finishA!: () => void;
    let finishB!: () => void;
    const a = withLock(path, () => new Promise<void>((r) => (finishA = r)));
    const b = withLock(path, () => new Promise<void>((r) => (finishB = r)), { staleMs: 50, pollMs: 10 });
    while (!finishB) await sleep(10);
    const bOwner = readFileSync(join(path, 'owner.json'), 'utf8');
    finishA();
    await a;
    expect(readFileSync(join(path, 'owner.json'), 'utf8')).toBe(bOwner);
    finishB();
    await b;
    expect(existsSync(path)).toBe(false);
  });
});

describe('takeOver', () => {
  it('removes the abandoned lock it judged', async () => {
    const path = freshLock();
    mkdirSync(path);
    writeFileSync(join(path, 'owner.json'), owner(await deadPid(), { nonce: 'dead' }));
    expect(takeOver(path, inspectLock(path)!)).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it.each([
    [
      'another waiter took it over and now holds it',
      (path: string) => writeFileSync(join(path, 'owner.json'), owner(process.pid, { nonce: 'new' })),
      'new',
    ],
    ['another waiter took it over and is writing its owner', () => undefined, undefined],
  ])('leaves the lock alone when %s', async (_name, retake, nonce) => {
    const path = freshLock();
    mkdirSync(path);
    writeFileSync(join(path, 'owner.json'), owner(await deadPid(), { nonce: 'dead' }));
    const judged = inspectLock(path)!;
    takeOver(path, inspectLock(path)!); // the faster waiter removes it ...
    mkdirSync(path); // ... and takes the lock
    retake(path);
    expect(takeOver(path, judged)).toBe(true);
    expect(existsSync(path)).toBe(true);
    expect(inspectLock(path)?.owner?.nonce).toBe(nonce);
  });

  it('leaves the lock to a waiter that is taking it over right now', async () => {
    const path = freshLock();
    mkdirSync(path);
    writeFileSync(join(path, 'owner.json'), owner(await deadPid()));
    mkdirSync(`${path}.takeover`);
    expect(takeOver(path, inspectLock(path)!)).toBe(false);
    expect(existsSync(path)).toBe(true);
  });
});

describe('withLock across processes', () => {
  // The children run the real lock.ts, transpiled, so processes contend on the file system as in a run.
  const lib = scratch();
  beforeAll(() => {
    for (const [from, to] of [
      ['lock.ts', 'lock.js'],
      ['errors.ts', 'errors.js'],
      ['executor-names.ts', 'executor-names.js'],
    ]) {
      mkdirSync(join(lib, to, '..'), { recursive: true });
      const source = readFileSync(join(__dirname, from), 'utf8');
      writeFileSync(
        join(lib, to),
        ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText,
      );
    }
  });
  const child = `
    const { appendFileSync } = require('node:fs');
    const { withLock } = require(${JSON.stringify(join(lib, 'lock.js'))});
    const [path, log, rounds, startAt] = process.argv.slice(1);
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    (async () => {
      await sleep(Number(startAt) - Date.now());
      for (let i = 0; i < Number(rounds); i++) {
        await withLock(path, async () => {
          appendFileSync(log, process.pid + '+\\n');
          await sleep(3);
          appendFileSync(log, process.pid + '-\\n');
        }, { pollMs: 1, timeoutMs: 20000 });
      }
    })().catch((e) => { console.error(e); process.exit(1); });`;

  it.each([
    ['a free lock', false],
    ['a lock left by a dead process', true],
  ])(
    'gives %s to exactly one of several processes at a time',
    async (_name, leftByDead) => {
      const path = freshLock();
      const log = join(scratch(), 'log');
      writeFileSync(log, '');
      if (leftByDead) {
        mkdirSync(path);
        writeFileSync(join(path, 'owner.json'), owner(await deadPid()));
      }
      const startAt = String(Date.now() + 1000);
      const codes = await Promise.all(
        Array.from({ length: 6 }, () => {
          const p = spawn(process.execPath, ['-e', child, path, log, '4', startAt], { stdio: ['ignore', 'ignore', 'inherit'] });
          return new Promise<number | null>((r) => p.on('exit', r));
        }),
      );
      expect(codes).toEqual(Array(6).fill(0));
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(6 * 4 * 2);
      for (let i = 0; i < lines.length; i += 2)
        expect([lines[i], lines[i + 1]]).toEqual([lines[i].replace('-', '+'), lines[i].replace('+', '-')]);
      expect(existsSync(path)).toBe(false);
    },
    30_000,
  );
});
