import { serviceResult } from '../../../test-support/service-result';
import { formatSeconds, formatSigningNote, formatSummary, formatTaskOutput } from './summary';

const result = serviceResult;

describe('formatSeconds', () => {
  it.each([
    [undefined, '-'],
    [0, '0.0s'],
    [1234, '1.2s'],
    [61000, '61.0s'],
  ])('%j → %j', (ms, text) => expect(formatSeconds(ms)).toBe(text));
});

describe('formatSummary', () => {
  it('names a task by its project, adding the target for other multiarch targets', () => {
    const table = formatSummary([
      result({ project: 'two' }),
      result({ project: 'two', task: 'two:docker-multiarch-debug', targetName: 'docker-multiarch-debug', tags: ['r/two:debug'] }),
    ]);
    expect(table.split('\n').map((row) => row.split(/\s+/)[0])).toEqual(['PROJECT', 'two', 'two:docker-multiarch-debug']);
  });

  it('aligns one row per project with status, platforms, short digest and time', () => {
    const table = formatSummary([
      result({ project: '@acme/api', digest: 'sha256:' + 'a'.repeat(64), durationMs: 12345 }),
      result({ project: 'worker', status: 'failed', platforms: ['linux/arm/v7'] }),
      result({ project: 'web', push: true, load: true, digest: 'sha256:' + 'b'.repeat(64), durationMs: 800 }),
    ]);
    expect(table.split('\n')).toEqual([
      'PROJECT    STATUS         PLATFORMS                DIGEST        TIME',
      '@acme/api  pushed         linux/amd64,linux/arm64  aaaaaaaaaaaa  12.3s',
      'worker     failed         linux/arm/v7             -             -',
      'web        pushed+loaded  linux/amd64,linux/arm64  bbbbbbbbbbbb  0.8s',
    ]);
  });
});

describe('formatTaskOutput', () => {
  it('says what was built and where', () => {
    expect(formatTaskOutput(result({ digest: 'sha256:abc' }))).toBe(
      'api: pushed for linux/amd64, linux/arm64\n  tags: r/api:1\n  digest: sha256:abc',
    );
  });

  it("indents a failure's error lines under the project", () => {
    expect(formatTaskOutput(result({ status: 'failed', tags: [], error: 'line 1\nline 2' }))).toBe(
      'api: failed for linux/amd64, linux/arm64\n  line 1\n  line 2',
    );
  });
});

describe('build-check findings in the output', () => {
  const finding = { rule: 'JSONArgsRecommended', file: 'apps/api/Dockerfile', line: 4, message: 'JSON arguments recommended for CMD' };

  it("lists a task's warnings under the table and in its own output", () => {
    const r = result({ project: 'api', checks: [finding] });
    expect(formatSummary([r])).toContain(
      'check warning for api: JSONArgsRecommended at apps/api/Dockerfile:4: JSON arguments recommended for CMD',
    );
    expect(formatTaskOutput(r).split('\n').slice(-2)).toEqual([
      '  build checks: 1 warning(s)',
      '    JSONArgsRecommended at apps/api/Dockerfile:4: JSON arguments recommended for CMD',
    ]);
  });

  it('leaves the findings of a failed task to its error, which lists them', () => {
    const r = result({ project: 'api', status: 'failed', error: 'check: error: 1 build-check finding(s)', checks: [finding] });
    expect(formatSummary([r])).not.toContain('check warning');
    expect(formatTaskOutput(r)).not.toContain('build checks:');
  });
});

describe('signatures in the output', () => {
  const signed = { signed: true, refs: ['r/api@sha256:' + 'a'.repeat(64)], added: 1 };
  const unsigned = { signed: false, refs: ['r/web@sha256:' + 'b'.repeat(64)], added: 0, error: 'cosign did not finish' };

  it('adds a SIGNED column only when a task signs: yes, no, or - for one that does not', () => {
    const table = formatSummary([
      result({ project: 'api', signature: signed }),
      result({ project: 'web', status: 'failed', signature: unsigned }),
      result({ project: 'docs' }),
    ]);
    expect(table.split('\n').map((row) => row.split(/\s+/).pop())).toEqual(['SIGNED', 'yes', 'no', '-']);
    expect(formatSummary([result({ project: 'docs' })])).not.toContain('SIGNED');
  });

  it("says in the task's output where it is signed, and whether this run added the signature", () => {
    expect(formatTaskOutput(result({ signature: signed }))).toContain(`  signed: ${signed.refs[0]} (1 signature(s) added)`);
    expect(formatTaskOutput(result({ status: 'reused', signature: { ...signed, added: 0 } }))).toContain(
      'it had a signature of this key already',
    );
    expect(formatTaskOutput(result({ status: 'failed', signature: unsigned, error: 'pushed …, but not signed' }))).toContain(
      '  signed: no',
    );
  });
});

it('formatSigningNote: how long signing ran, what it added and what was signed already; nothing when no task signs', () => {
  const sig = (added: number, signed = true) => ({ signed, refs: ['r/x@sha256:1'], added });
  const results = [result({ signature: sig(1) }), result({ signature: sig(0) }), result({ signature: sig(0, false) }), result({})];
  expect(formatSigningNote(results, 1234)).toBe('; signing 1.2s (1 signature(s) added, 1 image(s) signed already)');
  expect(formatSigningNote([result({})], 0)).toBe('');
});
