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

  it('names the file and is empty when nothing changed', () => {
    expect(unifiedDiff('apps/api/Dockerfile', 'a\n', 'b\n').split('\n').slice(0, 2)).toEqual(['--- a/apps/api/Dockerfile', '+++ b/apps/api/Dockerfile']);
    expect(unifiedDiff('Dockerfile', 'same\n', 'same\n')).toBe('');
  });
});
