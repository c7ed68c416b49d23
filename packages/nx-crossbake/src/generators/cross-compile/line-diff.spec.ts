import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unifiedDiff } from './line-diff';

// GNU diff's own unified output for each pair, recorded once (its header lines carry file names and dates: dropped).
// Both sides end in a newline: without one GNU diff adds a "\ No newline" marker.
interface Recorded {
  name: string;
  before: string;
  after: string;
  hunks: string;
}
const { cases } = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'gnu-diff-u3.json'), 'utf8')) as { cases: Recorded[] };

describe('unifiedDiff', () => {
  it.each(cases.map((c) => [c.name, c] as const))('matches diff -u for %s', (_, { before, after, hunks }) => {
    expect(unifiedDiff('Dockerfile', before, after).split('\n').slice(2).join('\n')).toBe(hunks);
  });

  // GNU diff 3.8 -U3 output where it picks another of the equally short edit scripts (a documented
  // departure, see line-diff.ts): the same hunk headers and the same lines removed and added.
  it.each([
    ['c\ne\ne\n', 'b\nc\nc\n', '@@ -1,3 +1,3 @@\n+b\n+c\n c\n-e\n-e'],
    ['c\nd\nb\n', 'a\nc\ng\nb\nb\n', '@@ -1,3 +1,5 @@\n+a\n c\n-d\n+g\n+b\n b'],
    ['g\na\nc\nc\nd\n', 'a\nb\nc\n', '@@ -1,5 +1,3 @@\n-g\n a\n+b\n c\n-c\n-d'],
  ])("departure: %j → %j aligns ties its own way, with GNU's headers and changed lines", (before, after, gnu) => {
    const ours = unifiedDiff('Dockerfile', before, after).split('\n').slice(2);
    const shape = (lines: string[]) => ({
      headers: lines.filter((l) => l.startsWith('@@')),
      removed: lines.filter((l) => l.startsWith('-')).sort(),
      added: lines.filter((l) => l.startsWith('+')).sort(),
    });
    expect(ours.join('\n')).not.toBe(gnu);
    expect(shape(ours)).toEqual(shape(gnu.split('\n')));
  });

  it('names the file and is empty when nothing changed', () => {
    expect(unifiedDiff('apps/api/Dockerfile', 'a\n', 'b\n').split('\n').slice(0, 2)).toEqual([
      '--- a/apps/api/Dockerfile',
      '+++ b/apps/api/Dockerfile',
    ]);
    expect(unifiedDiff('Dockerfile', 'same\n', 'same\n')).toBe('');
  });
});
