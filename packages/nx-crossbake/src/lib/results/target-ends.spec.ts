import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { targetEnds, type TargetEnd } from './target-ends';

const fixture = (name: string) => readFileSync(join(__dirname, '..', '__fixtures__', name), 'utf8');

/** Each end with the line number it was read on. */
function read(text: string): { line: number; end: TargetEnd }[] {
  const next = targetEnds();
  return text.split('\n').flatMap((line, i) => {
    const end = next(line);
    return end ? [{ line: i + 1, end }] : [];
  });
}

describe('targetEnds', () => {
  it('tells the quick target, with its pushed digest, while the slow one still runs (recorded)', () => {
    const text = fixture('bake-progress.two-targets.plain.txt');
    const lines = text.split('\n');
    const ends = read(text);
    expect(ends.map((e) => e.end)).toEqual([
      { target: 'fast', digest: 'sha256:15ec91b5a0126156a5c733dac88e071aee8c9e0146821e71c41484c85fab4290' },
      { target: 'slow', digest: 'sha256:5f409e0f8ec247bb69296043b35fd3daa77a6fd0847a6b9c01300316a7e14e0b' },
    ]);
    // fast ends before the line that says slow's 20 s step is done.
    const slowStepDone = lines.findIndex((l) => /^#6 DONE 20/.test(l)) + 1;
    expect(ends[0].line).toBeLessThan(slowStepDone);
  });

  it('tells targets that push nothing, without a digest (recorded)', () => {
    expect(read(fixture('bake-progress.cacheonly.plain.txt')).map((e) => e.end)).toEqual([{ target: 'fast' }, { target: 'slow' }]);
  });

  it('tells, in a bake that fails, only the target that got to its end step before the failure (recorded)', () => {
    expect(read(fixture('bake-failure.plain.txt')).map((e) => e.end.target)).toEqual(['api']);
  });

  it('tells each target once, though buildx may print a step again', () => {
    const text = [
      '#9 [a] resolving provenance for metadata file',
      '#9 DONE 0.0s',
      '#9 [a] resolving provenance for metadata file',
      '#9 DONE 0.0s',
    ].join('\n');
    expect(read(text)).toHaveLength(1);
  });
});
