import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unifiedDiff } from './line-diff';

/** GNU diff's own unified output, to hold ours to (its header lines carry file names and dates: dropped). */
function gnuDiff(before: string, after: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'diff-'));
  writeFileSync(join(dir, 'a'), before);
  writeFileSync(join(dir, 'b'), after);
  return spawnSync('diff', ['-U3', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' }).stdout.split('\n').slice(2).join('\n').trimEnd();
}

const lines = (...l: string[]) => l.join('\n');

describe('unifiedDiff', () => {
  it.each([
    ['an insertion at the top', lines('a', 'b', 'c'), lines('x', 'y', 'a', 'b', 'c')],
    ['a replaced line', lines('1', '2', '3', '4', '5', '6', '7', '8', '9', '10'), lines('1', '2', '3', '4', 'five', '6', '7', '8', '9', '10')],
    ['two far changes, two hunks', lines(...'abcdefghijklmnop'.split('')), lines('A', ...'bcdefghijklmno'.split(''), 'P')],
    ['a deletion at the end', lines('a', 'b', 'c', 'd'), lines('a', 'b')],
    ['everything new', lines('a'), lines('b', 'c')],
  ])('matches diff -u for %s', (_, before, after) => {
    // Without a final newline GNU diff adds a "\ No newline" marker; both sides end in one here.
    expect(unifiedDiff('Dockerfile', `${before}\n`, `${after}\n`).split('\n').slice(2).join('\n').trimEnd()).toBe(gnuDiff(`${before}\n`, `${after}\n`));
  });

  it('names the file and is empty when nothing changed', () => {
    expect(unifiedDiff('apps/api/Dockerfile', 'a\n', 'b\n').split('\n').slice(0, 2)).toEqual(['--- a/apps/api/Dockerfile', '+++ b/apps/api/Dockerfile']);
    expect(unifiedDiff('Dockerfile', 'same\n', 'same\n')).toBe('');
  });
});
