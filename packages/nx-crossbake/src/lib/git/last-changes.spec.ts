import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Exec } from '../process/exec';
import { getLastChangesCommand, parseLastChanges, readLastChanges, type InputPath } from './last-changes';

const inputs = (...paths: string[]): InputPath[] => paths.map((path) => ({ path }));

describe('parseLastChanges', () => {
  // Recorded from git; the history is in __fixtures__/README.md.
  const recorded = readFileSync(join(__dirname, '__fixtures__/git-log-last-changes.txt'), 'utf8');
  const commit = (epoch: number, revision: string) => ({ epoch, revision });
  const rename = commit(1700000500, '0cea8b9fc6ccf5254afa4d2681711bd2876c4b11');
  const merge = commit(1700000400, '6081dbbe392cb6c836408e11daee13555a5f5812');
  const mainC = commit(1700000300, '3b3c204987914f7cb91790fd3175d543fefddf9b');
  const unicodeC = commit(1700000100, 'e553b76531cbaba002c2d361dddd6cf264a3ea9c');
  const root = commit(1700000000, '59c9a7562b018b065c7c586249572eab59ae517e');

  it.each([
    ['a folder renamed away', ['apps/a'], rename],
    ['a folder renamed into', ['apps/b'], rename],
    ['a file changed on a merged branch: the merge, where it reached this branch', ['apps/b/Dockerfile'], merge],
    ['a newer change than a file with an unusual name', ['apps/c'], mainC],
    ['a folder whose name git would read as a glob', ['apps/d [x]'], root],
    ['a folder never changed', ['apps/e'], undefined],
    ['a path that only prefixes a folder name', ['apps/b/Docker'], undefined],
    ['the whole tree', ['.'], rename],
  ])('%s', (_case, paths, date) => {
    expect(parseLastChanges(recorded, new Map([['t', inputs(...paths)]])).get('t')).toEqual(date);
  });

  it.each([
    // main-c changed only apps/c/Dockerfile: the next commit that changed a file that counts
    ['passes over commits whose files do not count', { path: 'apps/c', counts: (f: string) => !f.endsWith('/Dockerfile') }, unicodeC],
    [
      'is told each file as git lists it, under the path',
      { path: 'apps/c', counts: (f: string) => f === 'apps/c/naïve file.txt' },
      unicodeC,
    ],
    ['finds nothing when no file counts', { path: 'apps', counts: () => false }, undefined],
  ])('%s', (_case, input, date) => {
    expect(parseLastChanges(recorded, new Map([['t', [input]]])).get('t')).toEqual(date);
  });

  it('asks only about files under the path', () => {
    const asked: string[] = [];
    const counts = (f: string) => asked.push(f) > 0;
    expect(parseLastChanges(recorded, new Map([['t', [{ path: 'apps/b', counts }]]])).get('t')).toEqual(rename);
    expect(asked).toEqual(['apps/b/moved-from-a']);
  });

  it('counts a commit when any input counts it (a Dockerfile counts even where its context ignores it)', () => {
    const context = { path: 'apps/c', counts: (f: string) => !f.endsWith('/Dockerfile') };
    expect(parseLastChanges(recorded, new Map([['t', [context, { path: 'apps/c/Dockerfile' }]]])).get('t')).toEqual(mainC);
  });

  it('answers every task from one walk', () => {
    const tasks = new Map([
      ['a', inputs('apps/a')],
      ['c', inputs('apps/c', 'apps/c/Dockerfile')],
      ['d', inputs('apps/d [x]')],
    ]);
    expect(Object.fromEntries(parseLastChanges(recorded, tasks))).toEqual({ a: rename, c: mainC, d: root });
  });

  it('never matches a name cut off by a stopped walk', () => {
    const cut = recorded.slice(0, recorded.indexOf('apps/b/moved-from-a') + 'apps/b/mo'.length);
    expect(parseLastChanges(cut, new Map([['t', inputs('apps/b/mo')]])).size).toBe(0);
    expect(parseLastChanges(cut, new Map([['t', inputs('apps/a')]])).get('t')).toEqual(rename);
  });
});

describe('readLastChanges', () => {
  it('says nothing when git cannot walk (not a repository, no commit)', async () => {
    const none: Exec = async () => ({ exitCode: 128, stdout: '', stderr: 'fatal: not a git repository' });
    expect(await readLastChanges(none, '/ws', new Map([['t', inputs('apps/t')]]))).toBeUndefined();
  });

  const recording = () => {
    const calls: { args: readonly string[]; cwd?: string }[] = [];
    const exec: Exec = async (_file, args, options) => {
      calls.push({ args, cwd: options?.cwd });
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    return { exec, calls };
  };

  it('runs the walk in the workspace, over every path once', async () => {
    const { exec, calls } = recording();
    const tasks = new Map([
      ['a', inputs('apps/a', 'lib')],
      ['b', [{ path: 'apps/b', counts: () => false }, { path: 'lib' }]],
    ]);
    expect((await readLastChanges(exec, '/ws', tasks))?.size).toBe(0);
    expect(calls).toEqual([{ args: getLastChangesCommand(['apps/a', 'lib', 'apps/b']), cwd: '/ws' }]);
  });

  it('walks the whole tree once when one input is the whole tree', async () => {
    const { exec, calls } = recording();
    await readLastChanges(exec, '/ws', new Map([['a', [{ path: '.', counts: () => true }, { path: 'apps/a/Dockerfile' }]]]));
    expect(calls.map((c) => c.args)).toEqual([getLastChangesCommand(['.'])]);
  });

  it('stops the walk only once every task has a commit that counts for it', async () => {
    const header = (epoch: number, sha: string) => `\x1e${epoch} ${sha.padEnd(40, '0')}\0\n`;
    // Newest first: a README both tasks' folder holds, then code, then an older change never read.
    const stdout = `${header(3, 'aaa')}apps/a/README.md\0${header(2, 'bbb')}apps/a/main.ts\0${header(1, 'ccc')}apps/a/old.ts\0`;
    let read = '';
    const exec: Exec = async (_file, _args, options) => {
      for (const piece of stdout.match(/[^]{1,5}/g)!) {
        read += piece;
        if (options?.stopWhen?.(piece)) return { exitCode: 143, stdout: read, stderr: '', stopped: true };
      }
      return { exitCode: 0, stdout, stderr: '' };
    };
    const noDocs = { path: 'apps/a', counts: (f: string) => !f.endsWith('.md') };
    const found = await readLastChanges(
      exec,
      '/ws',
      new Map([
        ['docs', inputs('apps/a')],
        ['code', [noDocs]],
      ]),
    );
    expect(Object.fromEntries(found!)).toEqual({
      docs: { epoch: 3, revision: 'aaa'.padEnd(40, '0') },
      code: { epoch: 2, revision: 'bbb'.padEnd(40, '0') },
    });
    // past the README (code had no answer yet), stopped before the oldest commit
    expect(read.length).toBeGreaterThan(stdout.indexOf('apps/a/main.ts'));
    expect(read.length).toBeLessThan(stdout.indexOf('apps/a/old.ts'));
  });

  it('reads the output whole when the runner does not stream it', async () => {
    const stdout = `\x1e5 ${'a'.repeat(40)}\0\napps/a/x\0`;
    const exec: Exec = async () => ({ exitCode: 0, stdout, stderr: '' });
    expect((await readLastChanges(exec, '/ws', new Map([['a', inputs('apps/a')]])))?.get('a')).toEqual({
      epoch: 5,
      revision: 'a'.repeat(40),
    });
  });
});
