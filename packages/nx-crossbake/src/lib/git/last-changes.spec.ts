import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Exec } from '../process/exec';
import { getLastChangesCommand, parseLastChanges, readLastChanges } from './last-changes';

describe('parseLastChanges', () => {
  // Recorded from git; the history is in __fixtures__/README.md.
  const recorded = readFileSync(join(__dirname, '__fixtures__/git-log-last-changes.txt'), 'utf8');
  const commit = (epoch: number, revision: string) => ({ epoch, revision });
  const rename = commit(1700000500, '0cea8b9fc6ccf5254afa4d2681711bd2876c4b11');
  const merge = commit(1700000400, '6081dbbe392cb6c836408e11daee13555a5f5812');
  const mainC = commit(1700000300, '3b3c204987914f7cb91790fd3175d543fefddf9b');
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
    expect(parseLastChanges(recorded, new Map([['t', paths]])).get('t')).toEqual(date);
  });

  it('answers every task from one walk', () => {
    const tasks = new Map([
      ['a', ['apps/a']],
      ['c', ['apps/c', 'apps/c/Dockerfile']],
      ['d', ['apps/d [x]']],
    ]);
    expect(Object.fromEntries(parseLastChanges(recorded, tasks))).toEqual({ a: rename, c: mainC, d: root });
  });

  it('never matches a name cut off by a stopped walk', () => {
    const cut = recorded.slice(0, recorded.indexOf('apps/b/moved-from-a') + 'apps/b/mo'.length);
    expect(parseLastChanges(cut, new Map([['t', ['apps/b/mo']]])).size).toBe(0);
    expect(parseLastChanges(cut, new Map([['t', ['apps/a']]])).get('t')).toEqual(rename);
  });
});

describe('readLastChanges', () => {
  it('says nothing when git cannot walk (not a repository, no commit)', async () => {
    const none: Exec = async () => ({ exitCode: 128, stdout: '', stderr: 'fatal: not a git repository' });
    expect(await readLastChanges(none, '/ws', new Map([['t', ['apps/t']]]))).toBeUndefined();
  });

  it('runs the walk in the workspace, over every path once', async () => {
    const calls: { args: readonly string[]; cwd?: string }[] = [];
    const exec: Exec = async (_file, args, options) => {
      calls.push({ args, cwd: options?.cwd });
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    expect(
      (
        await readLastChanges(
          exec,
          '/ws',
          new Map([
            ['a', ['apps/a', 'lib']],
            ['b', ['apps/b', 'lib']],
          ]),
        )
      )?.size,
    ).toBe(0);
    expect(calls).toEqual([{ args: getLastChangesCommand(['apps/a', 'lib', 'apps/b']), cwd: '/ws' }]);
  });
});
