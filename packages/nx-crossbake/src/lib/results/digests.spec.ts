import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestFileName, planManifests, readDigestFiles, writeDigestFile, type DigestRecord } from './digests';

const record = (platforms: string[], digest: string, overrides: Partial<DigestRecord> = {}): DigestRecord => ({
  project: '@acme/api',
  repository: 'r.example.com/acme/api',
  digest,
  platforms,
  tags: ['r.example.com/acme/api:1.0', 'r.example.com/acme/api:latest'],
  ...overrides,
});
const entry = (file: string, r: DigestRecord) => ({ file, record: r });
const expectBoth = () => ['linux/amd64', 'linux/arm64'];

describe('digest files', () => {
  it('are named per project and platforms, and read back from every runner folder', () => {
    expect(digestFileName(record(['linux/arm/v7'], 'sha256:a'))).toBe('acme-api__linux-arm-v7.json');
    const amd = mkdtempSync(join(tmpdir(), 'digests-'));
    const arm = mkdtempSync(join(tmpdir(), 'digests-'));
    writeDigestFile(amd, record(['linux/amd64'], 'sha256:a'));
    writeDigestFile(arm, record(['linux/arm64'], 'sha256:b'));
    expect(readDigestFiles([amd, arm]).map((e) => e.record.digest)).toEqual(['sha256:a', 'sha256:b']);
  });

  it('say which folder is missing', () => {
    expect(() => readDigestFiles(['/nonexistent/digests'])).toThrow("digest folder '/nonexistent/digests' does not exist");
  });
});

describe('planManifests', () => {
  it('joins one digest per platform into one manifest list with the tags', () => {
    const { plans, problems } = planManifests(
      [entry('a/1', record(['linux/amd64'], 'sha256:a')), entry('b/1', record(['linux/arm64'], 'sha256:b'))],
      expectBoth,
    );
    expect(problems).toEqual([]);
    expect(plans).toEqual([
      {
        project: '@acme/api',
        targetName: 'docker-multiarch',
        tags: ['r.example.com/acme/api:1.0', 'r.example.com/acme/api:latest'],
        sources: ['r.example.com/acme/api@sha256:a', 'r.example.com/acme/api@sha256:b'],
        platforms: ['linux/amd64', 'linux/arm64'],
      },
    ]);
  });

  it.each([
    [
      'a platform pushed twice',
      [
        entry('a/1', record(['linux/amd64'], 'sha256:a')),
        entry('c/1', record(['linux/amd64'], 'sha256:c')),
        entry('b/1', record(['linux/arm64'], 'sha256:b')),
      ],
      '@acme/api: linux/amd64 was pushed twice (a/1 and c/1): keep one runner per platform',
    ],
    [
      'a platform no runner pushed',
      [entry('a/1', record(['linux/amd64'], 'sha256:a'))],
      '@acme/api: no runner pushed linux/arm64 (it builds linux/amd64, linux/arm64)',
    ],
    [
      'runners that disagree on the tags',
      [
        entry('a/1', record(['linux/amd64'], 'sha256:a')),
        entry('b/1', record(['linux/arm64'], 'sha256:b', { tags: ['r.example.com/acme/api:2.0'] })),
      ],
      '@acme/api: b/1 and a/1 disagree on the repository or tags',
    ],
  ])('refuses %s', (_name, entries, message) => {
    const { plans, problems } = planManifests(entries, expectBoth);
    expect(plans).toEqual([]);
    expect(problems.some((p) => p.startsWith(message))).toBe(true);
  });

  it('joins each multiarch target of a project on its own, with the platforms of that target', () => {
    const debug = { targetName: 'docker-multiarch-debug', tags: ['r.example.com/acme/api:debug'] };
    const { plans, problems } = planManifests(
      [
        entry('a/1', record(['linux/amd64'], 'sha256:a')),
        entry('a/2', record(['linux/amd64'], 'sha256:d', debug)),
        entry('b/1', record(['linux/arm64'], 'sha256:b')),
      ],
      (_project, target) => (target === 'docker-multiarch' ? ['linux/amd64', 'linux/arm64'] : ['linux/amd64', 'linux/arm/v7']),
    );
    expect(plans.map((p) => [p.targetName, p.sources])).toEqual([
      ['docker-multiarch', ['r.example.com/acme/api@sha256:a', 'r.example.com/acme/api@sha256:b']],
    ]);
    expect(problems).toEqual([
      '@acme/api:docker-multiarch-debug: no runner pushed linux/arm/v7 (it builds linux/amd64, linux/arm/v7): the manifest list would lack them',
    ]);
    expect(digestFileName(record(['linux/amd64'], 'sha256:d', debug))).toBe('acme-api__docker-multiarch-debug__linux-amd64.json');
  });

  it('plans the projects that are complete even when another is not', () => {
    const { plans, problems } = planManifests(
      [
        entry('a/1', record(['linux/amd64', 'linux/arm64'], 'sha256:a')),
        entry('a/2', record(['linux/amd64'], 'sha256:w', { project: 'worker', repository: 'r/worker', tags: ['r/worker:1'] })),
      ],
      expectBoth,
    );
    expect(plans.map((p) => p.project)).toEqual(['@acme/api']);
    expect(problems).toEqual([
      'worker: no runner pushed linux/arm64 (it builds linux/amd64, linux/arm64): the manifest list would lack them',
    ]);
  });
});
