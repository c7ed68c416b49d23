import { serviceResult } from '../../../test-support/service-result';
import { formatSeconds, formatSummary, formatTaskOutput } from './summary';

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
