import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBakeFailure } from './failures';

const recorded = readFileSync(join(__dirname, '..', '__fixtures__', 'bake-failure.plain.txt'), 'utf8');

describe('parseBakeFailure', () => {
  it('names only the target that failed in a recorded fail-fast bake', () => {
    expect([...parseBakeFailure(recorded).targets.keys()]).toEqual(['acme_worker']);
  });

  it("gives the failed target its own step output and buildx's error line, nothing of the others", () => {
    const { text } = parseBakeFailure(recorded).targets.get('acme_worker')!;
    expect(text).toContain('error: missing semicolon');
    expect(text).toMatch(/^ERROR: target acme_worker: failed to solve: .*exit code: 2$/m);
    expect(text).not.toContain('[api');
    expect(text).not.toContain('fx/web');
  });

  it('limits the lines kept per target', () => {
    const { text } = parseBakeFailure(recorded, 3).targets.get('acme_worker')!;
    const log = text.split('\n').filter((line) => line.startsWith('#'));
    expect(log).toHaveLength(3);
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
    expect(targets.get('a')!.text).toBe(
      [
        'ERROR: target a: failed to solve: one',
        '#5 [a 2/2] RUN false',
        '#5 ERROR: process did not complete successfully: exit code: 1',
      ].join('\n'),
    );
    expect(targets.get('b')!.text).toBe(['ERROR: target b: failed to solve: two', '#6 [b 2/2] RUN false'].join('\n'));
  });

  it('keeps the end of the output when no target is named', () => {
    const failure = parseBakeFailure('#1 [internal] load local bake definitions\nERROR: failed to find target nope\n\n');
    expect(failure.targets.size).toBe(0);
    // nothing says where: the bake's failure, not its target's
    expect(failure.only).toBeUndefined();
    expect(failure.general).toBe('#1 [internal] load local bake definitions\nERROR: failed to find target nope');
  });
});

const fixture = (name: string) => readFileSync(join(__dirname, '..', '__fixtures__', `bake-failure.${name}.plain.txt`), 'utf8');

describe('parseBakeFailure: the cause, from recordings of the rig', () => {
  it.each([
    [
      'copy-missing',
      'copy-missing',
      {
        step: '[2/2] COPY does-not-exist.txt /x',
        file: 'Dockerfile',
        line: 2,
        source: ['COPY does-not-exist.txt /x'],
      },
      /^failed to solve: failed to compute cache key: .*"\/does-not-exist.txt": not found$/,
    ],
    [
      'cache-miss',
      'cache-miss',
      {
        step: '[stage-1 1/1] COPY does-not-exist.txt /x',
        stage: 'stage-1',
        file: 'Dockerfile',
        line: 5,
        source: ['COPY does-not-exist.txt /x'],
      },
      /"\/does-not-exist.txt": not found$/,
    ],
    [
      'run-fails',
      'run-fails',
      {
        step: '[2/2] RUN echo "building"; echo "app.c:7: error: undeclared identifier" >&2; exit 3',
        file: 'Dockerfile',
        line: 2,
        source: ['RUN echo "building"; echo "app.c:7: error: undeclared identifier" >&2; exit 3'],
      },
      /did not complete successfully: exit code: 3$/,
    ],
    [
      'multi-platform',
      'run-fails',
      {
        step: '[2/2] RUN echo "building"; echo "app.c:7: error: undeclared identifier" >&2; exit 3',
        platform: 'linux/amd64',
        file: 'Dockerfile',
        line: 2,
        source: ['RUN echo "building"; echo "app.c:7: error: undeclared identifier" >&2; exit 3'],
      },
      /exit code: 3$/,
    ],
    [
      'multi-line',
      'multi-line',
      {
        step: '[2/2] RUN echo one &&     echo "lib.rs:12: error: mismatched types" >&2 &&     false',
        file: 'api.Dockerfile',
        line: 2,
        source: ['RUN echo one && \\', '    echo "lib.rs:12: error: mismatched types" >&2 && \\', '    false'],
      },
      /exit code: 1$/,
    ],
    [
      'bad-base',
      'bad-base',
      {
        step: '[internal] load metadata for 127.0.0.1:5000/nope/nothing:1',
        file: 'Dockerfile',
        line: 1,
        source: ['FROM 127.0.0.1:5000/nope/nothing:1'],
      },
      /^failed to solve: 127.0.0.1:5000\/nope\/nothing:1: failed to resolve source metadata .*: not found$/,
    ],
    [
      'unknown-stage',
      'unknown-stage',
      {
        step: '[internal] load metadata for docker.io/library/nostage:latest',
        file: 'Dockerfile',
        line: 2,
        source: ['COPY --from=nostage /app /app'],
      },
      /^failed to solve: nostage: failed to resolve source metadata for docker.io\/library\/nostage:latest: /,
    ],
    [
      'syntax',
      'syntax',
      { file: 'Dockerfile', line: 2, source: ['COPYY a /a'] },
      /dockerfile parse error on line 2: unknown instruction: COPYY/,
    ],
  ])('%s: %s broke at its step, platform and Dockerfile line', (name, target, where, message) => {
    const failure = parseBakeFailure(fixture(name)).targets.get(target)!;
    const { message: said, ...rest } = failure.cause;
    expect(rest).toEqual(where);
    expect(said).toMatch(message);
  });

  it("leads with the line and the source, then buildx's error, then the last lines of the failed step alone", () => {
    const { text } = parseBakeFailure(fixture('multi-platform')).targets.get('run-fails')!;
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'failed at Dockerfile:2 [2/2] RUN echo "building"; echo "app.c:7: error: undeclared identifier" >&2; exit 3 (linux/amd64)',
      '  2 | RUN echo "building"; echo "app.c:7: error: undeclared identifier" >&2; exit 3',
      expect.stringMatching(/^ERROR: target run-fails: failed to solve: /),
    ]);
    const log = lines.slice(3);
    expect(log.length).toBeGreaterThan(0);
    expect(log.every((line) => /^#\d+ /.test(line))).toBe(true);
    expect(log.join('\n')).toContain('app.c:7: error: undeclared identifier');
    // the other platform's run of the same step was cancelled: not the cause, not shown
    expect(log.join('\n')).not.toContain('linux/arm64');
  });

  it('never takes a registry cache not there yet for the cause, nor shows it', () => {
    for (const name of ['copy-missing', 'cache-miss', 'run-fails', 'multi-line', 'bad-base']) {
      const failures = parseBakeFailure(fixture(name));
      for (const { text, cause } of failures.targets.values()) {
        expect([name, cause.step ?? '']).not.toEqual([name, expect.stringContaining('importing cache manifest')]);
        expect([name, text]).not.toEqual([name, expect.stringMatching(/importing cache manifest|cache importer/)]);
      }
    }
  });

  it('gives only the target buildx names when two fail (bake stops at the first)', () => {
    const failures = parseBakeFailure(fixture('two-failing'));
    expect([...failures.targets.keys()]).toEqual(['copy-missing']);
    expect(failures.targets.get('copy-missing')!.cause).toMatchObject({ step: '[2/2] COPY does-not-exist.txt /x', line: 2 });
  });

  it('reads the cause of a bake of one target, which buildx reports without its name', () => {
    const failure = parseBakeFailure(fixture('one-target-cache-miss'));
    expect(failure.targets.size).toBe(0);
    const { message, ...where } = failure.only!.cause;
    expect(where).toEqual({
      step: '[stage-1 1/1] COPY does-not-exist.txt /x',
      stage: 'stage-1',
      file: 'Dockerfile',
      line: 5,
      source: ['COPY does-not-exist.txt /x'],
    });
    expect(message).toMatch(/^failed to solve: .*not found$/);
    expect(failure.only!.text).not.toMatch(/importing cache manifest|cache importer/);
  });
});
