import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBuildxVersion, parseHistoryList, parseUsesContainerdStore } from './parse';

const fixture = (name: string) => readFileSync(join(__dirname, '..', '__fixtures__', name), 'utf8');

describe('parseBuildxVersion', () => {
  it.each([
    [fixture('buildx-version.txt'), '0.29.1'],
    ['github.com/docker/buildx v0.17.1-desktop.1 5ae1b8e', '0.17.1'],
    ['github.com/docker/buildx v0.30.0 abcdef', '0.30.0'],
    ['docker: unknown command: docker buildx', undefined],
    ['', undefined],
  ])('%j → %j', (stdout, version) => expect(parseBuildxVersion(stdout)).toBe(version));
});

describe('parseUsesContainerdStore', () => {
  it.each([
    [fixture('driver-status.containerd.json'), true],
    [fixture('driver-status.overlay2.json'), false],
    ['null', false],
    ['', false],
    ['not json', false],
  ])('%j → %j', (stdout, expected) => expect(parseUsesContainerdStore(stdout)).toBe(expected));
});

describe('parseHistoryList', () => {
  it('reads every record of the recorded history', () => {
    const records = parseHistoryList(fixture('history-ls.jsonl'));
    expect(records).toHaveLength(4);
    for (const record of records) {
      expect(record.ref).toMatch(/^default\/default\/[a-z0-9]+$/);
      expect(Date.parse(record.completed_at!)).toBeGreaterThanOrEqual(Date.parse(record.created_at!));
    }
  });

  it('skips lines that are not records', () => {
    const text = ['WARNING: something', '{"ref":"b/n/1","status":"Completed"}', '{torn', '{"name":"no ref"}', ''].join('\n');
    expect(parseHistoryList(text)).toEqual([{ ref: 'b/n/1', status: 'Completed' }]);
  });
});
