import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import {
  buildkitdConfigDir,
  KEEP_RUNS_MS,
  makeRunDir,
  runFolderName,
  runFolderTime,
  staleRunFolders,
  staleWorkspaceFolders,
  workspaceFilesDir,
} from './private-dirs';

const DAY = 24 * 60 * 60 * 1000;

describe('run folder names', () => {
  it.each([
    [new Date('2026-03-04T05:06:07.089Z'), 4242, '2026-03-04T05-06-07-089Z-4242'],
    [new Date('1999-12-31T23:59:59.999Z'), 1, '1999-12-31T23-59-59-999Z-1'],
  ])('%s and pid %d name %s, and the name gives the time back', (date, pid, name) => {
    expect(runFolderName(date, pid)).toBe(name);
    expect(runFolderTime(name)).toBe(date.getTime());
  });

  it.each([
    'docker-bake.json',
    '2026-03-04T05-06-07-089Z',
    '2026-03-04T05:06:07.089Z-1',
    'buildkitd-ci.toml',
    '2026-13-45T99-06-07-089Z-1',
  ])('reads no time from %j', (name) => {
    expect(runFolderTime(name)).toBeUndefined();
  });

  it('picks only run folders older than the limit', () => {
    const now = Date.parse('2026-03-10T00:00:00.000Z');
    const names = [
      runFolderName(new Date(now - KEEP_RUNS_MS - 1), 1),
      runFolderName(new Date(now - KEEP_RUNS_MS + 1000), 2),
      runFolderName(new Date(now - 30 * DAY), 3),
      'notes.txt',
    ];
    expect(staleRunFolders(names, now)).toEqual([names[0], names[2]]);
    expect(staleRunFolders(names, now, 60 * DAY)).toEqual([]);
  });
});

describe('makeRunDir', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  const workspace = '/work/acme monorepo';
  beforeEach(() => {
    root = join(mkdtempSync(join(tmpdir(), 'crossbake-runs-')), 'private');
    env = { CROSSBAKE_LOCK_DIR: root };
  });
  afterEach(() => rmSync(dirname(root), { recursive: true, force: true }));

  const modeOf = (path: string) => statSync(path).mode & 0o777;

  it('makes a folder per run outside the workspace, private at every level', () => {
    const dir = makeRunDir(workspace, { date: new Date('2026-03-04T05:06:07.089Z'), pid: 7, env });
    expect(dir).toBe(join(workspaceFilesDir(workspace, env), 'runs', '2026-03-04T05-06-07-089Z-7'));
    expect(relative(workspace, dir).startsWith('..')).toBe(true);
    expect(dir.startsWith(join(root, 'workspaces', 'acme_monorepo-'))).toBe(true);
    for (let p = dir; p.length >= root.length; p = dirname(p)) expect([p, modeOf(p)]).toEqual([p, 0o700]);
  });

  it('gives two processes, and two workspaces, folders of their own', () => {
    const date = new Date();
    const a = makeRunDir(workspace, { date, pid: 1, env });
    const b = makeRunDir(workspace, { date, pid: 2, env });
    const other = makeRunDir('/work/acme-copy', { date, pid: 1, env });
    expect(new Set([a, b, other]).size).toBe(3);
    expect(dirname(a)).toBe(dirname(b));
    expect(dirname(dirname(other))).not.toBe(dirname(dirname(a)));
  });

  it("removes the workspace's runs older than the limit when a run starts, and nothing else of it", () => {
    const now = Date.parse('2026-03-10T00:00:00.000Z');
    const old = makeRunDir(workspace, { date: new Date(now - 4 * DAY), pid: 1, env });
    const recent = makeRunDir(workspace, { date: new Date(now - DAY), pid: 2, env });
    mkdirSync(join(dirname(old), 'kept-by-hand'));
    makeRunDir(workspace, { date: new Date(now), pid: 4, env });
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(readdirSync(dirname(old)).sort()).toEqual(
      [runFolderName(new Date(now), 4), runFolderName(new Date(now - DAY), 2), 'kept-by-hand'].sort(),
    );
  });

  it('removes the folders of workspaces no run has used for longer than the limit (removed checkouts, temporary ones)', () => {
    const now = Date.parse('2026-03-10T00:00:00.000Z');
    const gone = makeRunDir('/tmp/spec-workspace', { date: new Date(now - 4 * DAY), pid: 1, env });
    const used = makeRunDir('/work/other', { date: new Date(now - 4 * DAY), pid: 2, env });
    makeRunDir('/work/other', { date: new Date(now - DAY), pid: 3, env });
    makeRunDir(workspace, { date: new Date(now), pid: 4, env });
    expect(existsSync(dirname(dirname(gone)))).toBe(false);
    expect(existsSync(dirname(dirname(used)))).toBe(true);
  });

  it.each([
    [
      [
        { name: 'a', mtimeMs: 0 },
        { name: 'b', mtimeMs: 5 * DAY },
        { name: 'c', mtimeMs: 3 * DAY },
        { name: 'd', mtimeMs: 3.5 * DAY },
      ],
      ['a', 'c'],
    ],
    [[], []],
  ])('staleWorkspaceFolders(%j) at day 6: %j', (folders, stale) => {
    expect(staleWorkspaceFolders(folders, 6 * DAY + 1)).toEqual(stale);
  });

  it('refuses a workspace folder others can write, as the lock folder does', () => {
    const dir = makeRunDir(workspace, { env });
    chmodSync(dirname(dirname(dir)), 0o777);
    expect(() => makeRunDir(workspace, { env })).toThrow(/can be written by its group or by others/);
  });

  it('keeps generated buildkitd.toml files in the private workspace folder', () => {
    const dir = buildkitdConfigDir(workspace, env);
    expect(dir).toBe(workspaceFilesDir(workspace, env));
    expect(modeOf(dir)).toBe(0o700);
  });
});
