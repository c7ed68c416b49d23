/**
 * A unified diff of two texts, for the generator to show what it changes. Dockerfiles are short, so a plain
 * longest-common-subsequence table is fast enough and keeps this free of dependencies. Follows GNU diffutils
 * 3.8 `diff -U3` for hunk ranges, the grouping of changes (6 or fewer lines apart share a hunk) and the
 * ranges of an empty side; the spec holds diff 3.8's own output. Among equally short edit scripts it may
 * align differently (GNU runs Myers with a boundary-shifting pass, this takes LCS ties by a fixed rule):
 * same hunk headers and the same lines removed and added, possibly in another order around equal lines.
 * The npm `diff` 9.0.0 (jsdiff) was weighed and not taken: it matches GNU's choices less often.
 */
/** `a`/`b`: how many lines of each side come before this one. */
type Edit = { kind: ' ' | '-' | '+'; line: string; a: number; b: number };

function edits(a: readonly string[], b: readonly string[]): Edit[] {
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const at = { a: i, b: j };
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: ' ', line: a[i++], ...at });
      j++;
    }
    // Removals before additions, as diff -u shows a replaced line.
    else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) out.push({ kind: '-', line: a[i++], ...at });
    else out.push({ kind: '+', line: b[j++], ...at });
  }
  return out;
}

/** diff -u's `start,count`, where a count of one is left out. */
const range = (before: number, count: number) => (count === 1 ? `${before + 1}` : `${before + (count ? 1 : 0)},${count}`);

/** `--- a/<path>` / `+++ b/<path>` and hunks with `context` lines around each change; '' when equal. */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const split = (text: string) => text.replace(/\n$/, '').split('\n');
  const all = edits(split(before), split(after));
  const changed = all.flatMap((e, k) => (e.kind === ' ' ? [] : [k]));
  const hunks: Array<[number, number]> = [];
  for (const k of changed) {
    const [from, to] = [Math.max(0, k - context), Math.min(all.length - 1, k + context)];
    const last = hunks.at(-1);
    if (last && from <= last[1] + 1) last[1] = to;
    else hunks.push([from, to]);
  }
  const out = [`--- a/${path}`, `+++ b/${path}`];
  for (const [from, to] of hunks) {
    const slice = all.slice(from, to + 1);
    const count = (kind: string) => slice.filter((e) => e.kind === ' ' || e.kind === kind).length;
    // A side with no lines in the hunk names the line before it, as diff -u does.
    const [linesA, linesB] = [count('-'), count('+')];
    out.push(`@@ -${range(slice[0].a, linesA)} +${range(slice[0].b, linesB)} @@`, ...slice.map((e) => `${e.kind}${e.line}`));
  }
  return out.join('\n');
}
