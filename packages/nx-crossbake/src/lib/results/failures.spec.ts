import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBakeFailure } from './failures';

const recorded = readFileSync(join(__dirname, '..', '__fixtures__', 'bake-failure.plain.txt'), 'utf8');

describe('parseBakeFailure', () => {
  it('names only the target that failed in a recorded fail-fast bake', () => {
    expect([...parseBakeFailure(recorded).targets.keys()]).toEqual(['acme_worker']);
  });

  it("gives the failed target its own step output and buildx's error line, nothing of the others", () => {
    const text = parseBakeFailure(recorded).targets.get('acme_worker')!;
    expect(text).toContain('error: missing semicolon');
    expect(text.split('\n').pop()).toMatch(/^ERROR: target acme_worker: failed to solve: .*exit code: 2$/);
    expect(text).not.toContain('[api');
    expect(text).not.toContain('fx/web');
  });

  it('limits the lines kept per target', () => {
    const text = parseBakeFailure(recorded, 3).targets.get('acme_worker')!;
    expect(text.split('\n')).toHaveLength(4);
  });

  it('reports several failed targets', () => {
    const stderr = [
      '#5 [a 2/2] RUN false',
      '#6 [b 2/2] RUN false',
      '#5 ERROR: process did not complete successfully: exit code: 1',
      'ERROR: target a: failed to solve: one',
      'ERROR: target b: failed to solve: two',
    ].join('\n');
    const { targets } = parseBakeFailure(stderr);
    expect(targets.get('a')).toBe(
      [
        '#5 [a 2/2] RUN false',
        '#5 ERROR: process did not complete successfully: exit code: 1',
        'ERROR: target a: failed to solve: one',
      ].join('\n'),
    );
    expect(targets.get('b')).toBe(['#6 [b 2/2] RUN false', 'ERROR: target b: failed to solve: two'].join('\n'));
  });

  it('keeps the end of the output when no target is named', () => {
    const failure = parseBakeFailure('#1 [internal] load local bake definitions\nERROR: failed to find target nope\n\n');
    expect(failure.targets.size).toBe(0);
    expect(failure.general).toBe('#1 [internal] load local bake definitions\nERROR: failed to find target nope');
  });
});
