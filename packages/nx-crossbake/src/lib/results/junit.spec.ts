import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { withLock } from '../core/lock';
import { usePrivateStateDir } from '../../../test-support/state-dir';
import { junitCase, junitLock, mergeJunitCases, nxRunMarker, parseJunit, parseStartTime, renderJunit, writeJunit } from './junit';
import { serviceResult } from '../../../test-support/service-result';

const result = serviceResult;

const NASTY = 'COPY failed: "a|b" <missing> & `x`\n#5 ERROR: exit code 1\x1b[31m\x07';

/** The few entities renderJunit writes, decoded: what an XML parser hands a CI system. */
const decode = (text: string) =>
  text.replace(
    /&(amp|lt|gt|quot|#10|#13|#9);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#10': '\n', '#13': '\r', '#9': '\t' })[e]!,
  );

/** Everything but the elements renderJunit writes: a bare `<` or `&` left there would break the document. */
const textOutsideTags = (xml: string) =>
  xml
    .replace(/<\?xml[^>]*\?>/, '')
    .replace(/<\/?(testsuites|testsuite|properties|property|testcase|failure|system-out)\b("[^"]*"|[^>"])*>/g, '')
    .replace(/&(amp|lt|gt|quot|#10|#13|#9);/g, '');

usePrivateStateDir();

describe('junitCase', () => {
  it('is a passing test case named by the task, classed by the project, timed in seconds', () => {
    const c = junitCase(result({ project: '@acme/api', task: '@acme/api:docker-multiarch', durationMs: 12345, digest: 'sha256:abc' }));
    expect(c).toMatchObject({ task: '@acme/api:docker-multiarch', seconds: 12.345, failed: false });
    expect(c.xml).toContain('<testcase classname="@acme/api" name="@acme/api:docker-multiarch" time="12.345">');
    expect(c.xml).not.toContain('<failure');
    expect(c.xml).toContain(
      '<system-out>@acme/api: pushed for linux/amd64, linux/arm64\n  tags: r/api:1\n  digest: sha256:abc</system-out>',
    );
  });

  it('passes a reused task and says so in system-out', () => {
    const c = junitCase(result({ status: 'reused', reused: true, contentKey: 'k1', digest: 'sha256:abc' }));
    expect(c.failed).toBe(false);
    expect(c.xml).not.toContain('<failure');
    expect(c.xml).toMatch(/<system-out>api: reused for [^<]*reused: the registry had the image of content key k1<\/system-out>/);
  });

  it.each(['failed', 'invalid', 'cancelled'] as const)(
    'fails a %s task with its cause: the first line as message, all of it as text',
    (status) => {
      const c = junitCase(result({ status, error: '  first line\nsecond line\n', durationMs: undefined }));
      expect(c.failed).toBe(true);
      expect(c.xml).toContain(`time="0.000"`);
      expect(c.xml).toContain(`<failure message="first line" type="${status}">first line\nsecond line</failure>`);
      // the cause once, in the failure, not again in system-out
      expect(c.xml.match(/second line/g)).toHaveLength(1);
    },
  );

  it("takes buildx's closing ERROR line as the message, not the step lines before it or the hints after", () => {
    const error = [
      '#18 resolve base:1 0.0s done',
      '#40 [api linux/amd64 2/2] RUN make',
      '#40 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2',
      'ERROR: target api: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2',
      'hint: 127.0.0.1:5000 speaks plain HTTP',
    ].join('\n');
    expect(junitCase(result({ status: 'failed', error })).xml).toContain(
      '<failure message="ERROR: target api: failed to solve: process &quot;/bin/sh -c make&quot; did not complete successfully: exit code: 2" type="failed">#18 resolve',
    );
  });

  it('escapes <, &, quotes, pipes, backticks and line breaks, and drops colour codes and control characters', () => {
    const c = junitCase(result({ status: 'failed', project: 'a&b', task: 'a&b:"x"<y>', error: NASTY }));
    const xml = renderJunit('run', [c]);
    expect(textOutsideTags(xml)).not.toMatch(/[<>&]/);
    expect(xml).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/); // eslint-disable-line no-control-regex
    expect(xml).toContain('classname="a&amp;b" name="a&amp;b:&quot;x&quot;&lt;y&gt;"');
    const failure = xml.match(/<failure message="([^"]*)" type="failed">([^<]*)<\/failure>/)!;
    expect(decode(failure[1])).toBe('COPY failed: "a|b" <missing> & `x`');
    expect(decode(failure[2])).toBe('COPY failed: "a|b" <missing> & `x`\n#5 ERROR: exit code 1');
  });

  it('keeps a line break in an attribute as a character reference', () => {
    const c = junitCase(result({ project: 'two\nlines' }));
    expect(c.xml).toContain('classname="two&#10;lines"');
  });
});

describe('renderJunit', () => {
  it('counts tests, failures and time, and names the run', () => {
    const xml = renderJunit('nx process 42', [
      junitCase(result({ project: 'a', durationMs: 1500 })),
      junitCase(result({ project: 'b', status: 'failed', error: 'boom', durationMs: 250 })),
      junitCase(result({ project: 'c', status: 'reused', durationMs: 0 })),
    ]);
    expect(xml.split('\n').slice(0, 6)).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<testsuites name="nx-crossbake" tests="3" failures="1" errors="0" skipped="0" time="1.750">',
      '  <testsuite name="nx-crossbake" tests="3" failures="1" errors="0" skipped="0" time="1.750">',
      '    <properties>',
      '      <property name="nx-crossbake.run" value="nx process 42"/>',
      '    </properties>',
    ]);
    expect(xml.endsWith('  </testsuite>\n</testsuites>\n')).toBe(true);
  });
});

describe('parseJunit', () => {
  it('reads back the run and every case renderJunit wrote, whatever their text holds', () => {
    const cases = [
      junitCase(result({ project: 'a', task: 'a:"q"&<x>', durationMs: 1500 })),
      junitCase(result({ project: 'b', status: 'failed', error: `${NASTY}\n</testcase><failure`, durationMs: 250 })),
    ];
    expect(parseJunit(renderJunit('run "1" & <2>', cases))).toEqual({ run: 'run "1" & <2>', cases });
  });

  it('finds no run in a file of another tool, so it is replaced rather than merged', () => {
    const foreign = '<testsuites><testsuite name="jest"><testcase classname="x" name="y" time="1"></testcase></testsuite></testsuites>';
    expect(parseJunit(foreign).run).toBeUndefined();
    expect(parseJunit('not xml at all')).toEqual({ run: undefined, cases: [] });
  });
});

describe('mergeJunitCases', () => {
  const c = (task: string, failed = false) => ({ task, seconds: 1, failed, xml: task });

  it("replaces an earlier batch's case of the same task in place and appends new tasks", () => {
    expect(mergeJunitCases([c('a'), c('b', true), c('c')], [c('d'), c('b')])).toEqual([c('a'), c('b'), c('c'), c('d')]);
  });

  it('keeps the earlier cases when this batch has none of their tasks', () => {
    expect(mergeJunitCases([c('a')], [])).toEqual([c('a')]);
    expect(mergeJunitCases([], [c('a')])).toEqual([c('a')]);
  });
});

describe('parseStartTime', () => {
  it('reads field 22 of /proc/<pid>/stat, also when the process name holds spaces and parentheses', () => {
    const rest = 'S 1 42 42 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 11 0 987654 1000 10';
    expect(parseStartTime(`4242 (node) ${rest}`)).toBe('987654');
    expect(parseStartTime(`4242 (nx (run) x) ${rest}`)).toBe('987654');
  });
});

describe('nxRunMarker', () => {
  const stat = (pid: number) => `${pid} (node) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${pid * 10} 1 1`;
  const self = { pid: 200, ppid: 100 };

  it('is the nx process that forked this batch (its pid and start time): every batch of one run shares it', () => {
    expect(nxRunMarker({ NX_FORKED_TASK_EXECUTOR: 'true' }, self, stat)).toBe('nx process 100 started at tick 1000');
  });

  it('is this process when Nx did not fork it', () => {
    expect(nxRunMarker({}, self, stat)).toBe('nx process 200 started at tick 2000');
  });

  it('is the pid alone without /proc', () => {
    const none = () => {
      throw new Error('ENOENT');
    };
    expect(nxRunMarker({ NX_FORKED_TASK_EXECUTOR: 'true' }, self, none)).toBe('nx process 100');
  });

  it('reads this machine: the same for two calls of one process', () => {
    expect(nxRunMarker({})).toBe(nxRunMarker({}));
  });
});

describe('writeJunit', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'crossbake-junit-'));
  const tasksIn = (file: string) => parseJunit(readFileSync(file, 'utf8')).cases.map((c) => [c.task, c.failed]);

  it('merges the batches of one run: each replaces its own tasks, keeps the others, and the totals follow', async () => {
    const file = join(dir(), 'reports', 'nx-crossbake.xml');
    await writeJunit(file, 'run-1', [result({ project: 'a' }), result({ project: 'b', status: 'failed', error: 'boom' })]);
    await writeJunit(file, 'run-1', [result({ project: 'b' }), result({ project: 'c', status: 'cancelled', error: 'not confirmed' })]);
    expect(tasksIn(file)).toEqual([
      ['a:docker-multiarch', false],
      ['b:docker-multiarch', false],
      ['c:docker-multiarch', true],
    ]);
    expect(readFileSync(file, 'utf8')).toContain('<testsuites name="nx-crossbake" tests="3" failures="1"');
  });

  it('replaces the file of an earlier run, and a file of another tool', async () => {
    const file = join(dir(), 'junit.xml');
    await writeJunit(file, 'run-1', [result({ project: 'a' })]);
    await writeJunit(file, 'run-2', [result({ project: 'b' })]);
    expect(tasksIn(file)).toEqual([['b:docker-multiarch', false]]);

    writeFileSync(file, '<testsuites><testsuite><testcase classname="x" name="y" time="1"></testcase></testsuite></testsuites>');
    await writeJunit(file, 'run-2', [result({ project: 'c' })]);
    expect(tasksIn(file)).toEqual([['c:docker-multiarch', false]]);
  });

  it('waits for a batch that holds the file, then merges with what that batch wrote', async () => {
    const file = join(dir(), 'junit.xml');
    let release!: () => void;
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const other = withLock(junitLock(file), async () => {
      held();
      await new Promise<void>((resolve) => (release = resolve));
      writeFileSync(file, renderJunit('run-1', [junitCase(result({ project: 'other' }))]));
    });
    await holding;
    const mine = writeJunit(file, 'run-1', [result({ project: 'mine' })]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readdirSync(dirname(file))).toEqual([]); // still waiting: nothing written
    release();
    await Promise.all([other, mine]);
    expect(tasksIn(file)).toEqual([
      ['other:docker-multiarch', false],
      ['mine:docker-multiarch', false],
    ]);
  });

  it('leaves no temporary file beside the report', async () => {
    const root = dir();
    await writeJunit(join(root, 'junit.xml'), 'run-1', [result({})]);
    expect(readdirSync(root)).toEqual(['junit.xml']);
  });

  it('throws, writing nothing, when the file cannot be written', async () => {
    const root = dir();
    writeFileSync(join(root, 'plain-file'), '');
    await expect(writeJunit(join(root, 'plain-file', 'junit.xml'), 'run-1', [result({})])).rejects.toThrow();
    expect(readdirSync(root)).toEqual(['plain-file']);
  });
});
