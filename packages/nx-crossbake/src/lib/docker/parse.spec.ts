import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isBuilderMissing,
  isBuildxMissing,
  isForeignBinaryFailure,
  parseHistoryList,
  parseRegistryConfig,
  parseRepoDigest,
  parseUsesContainerdStore,
} from './parse';

const fixture = (name: string) => readFileSync(join(__dirname, '..', '__fixtures__', name), 'utf8');

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

describe('parseRegistryConfig', () => {
  it('reads the recorded engine: its insecure registries by name, its insecure ranges, no mirrors', () => {
    expect(parseRegistryConfig(fixture('docker-info.registry-config.json'))).toEqual({
      insecureRegistries: ['127.0.0.1:5000', '127.0.0.1:5001'],
      insecureCidrs: ['::1/128', '127.0.0.0/8'],
      mirrors: [],
    });
  });

  it("takes the mirrors from the engine and from Docker Hub's index, once each", () => {
    const text = JSON.stringify({
      IndexConfigs: {
        'docker.io': { Name: 'docker.io', Official: true, Secure: true, Mirrors: ['https://mirror.gcr.io/', 'http://10.0.0.5:5000/'] },
      },
      InsecureRegistryCIDRs: ['127.0.0.0/8'],
      Mirrors: ['https://mirror.gcr.io/'],
    });
    expect(parseRegistryConfig(text).mirrors).toEqual(['https://mirror.gcr.io/', 'http://10.0.0.5:5000/']);
  });

  it.each([['null'], [''], ['not json'], ['[["driver-type","io.containerd.snapshotter.v1"]]'], ['{"IndexConfigs": 3, "Mirrors": "x"}']])(
    'reads %j as an engine that configures nothing',
    (text) => expect(parseRegistryConfig(text)).toEqual({ insecureRegistries: [], insecureCidrs: [], mirrors: [] }),
  );
});

describe('parseRepoDigest', () => {
  const recorded = fixture('image-inspect-repodigests.binfmt.json');
  it.each([
    [recorded, '127.0.0.1:5000/crossbake/binfmt:qemu-7.2-1', 'sha256:6691f6440ed6fc418e5ffe01b2b37678273aa306d35e1c08a98ecdd4ee479a75'],
    [
      recorded,
      '127.0.0.1:5000/crossbake/binfmt@sha256:6691f6440ed6fc418e5ffe01b2b37678273aa306d35e1c08a98ecdd4ee479a75',
      'sha256:6691f6440ed6fc418e5ffe01b2b37678273aa306d35e1c08a98ecdd4ee479a75',
    ],
    // Docker Hub names compare in docker's normalized form.
    ['["tonistiigi/binfmt@sha256:400a"]', 'docker.io/tonistiigi/binfmt:qemu-v10.2.3', 'sha256:400a'],
    ['["mirror.local/tonistiigi/binfmt@sha256:1", "tonistiigi/binfmt@sha256:2"]', 'tonistiigi/binfmt:qemu-v10.2.3', 'sha256:2'],
    ['["other/image@sha256:1"]', 'tonistiigi/binfmt:qemu-v10.2.3', undefined],
    ['[]', 'tonistiigi/binfmt', undefined],
    ['', 'tonistiigi/binfmt', undefined],
  ])('%s of %s → %s', (stdout, image, digest) => expect(parseRepoDigest(stdout, image)).toBe(digest));
});

describe('isBuildxMissing', () => {
  it.each([
    ["docker: unknown command: docker buildx\n\nRun 'docker --help' for more information", true],
    ["docker: 'buildx' is not a docker command.\nSee 'docker --help'", true],
    ['docker: unknown command: docker buildxx', false],
    ['ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully', false],
  ])('%j → %j', (stderr, missing) => expect(isBuildxMissing(stderr)).toBe(missing));
});

describe('isBuilderMissing', () => {
  // buildx 0.29.1 for `buildx --builder <name> bake` and for `--context <name> buildx bake` alike
  it.each([
    ['ERROR: no builder "nx-crossbake" found', 'nx-crossbake', true],
    ['ERROR: no builder "nx-crossbake-2" found', 'nx-crossbake', false],
    // recorded as a docker-container builder, now a docker-driver one (a context)
    ['ERROR: use `docker --context=nx-crossbake buildx` to switch to context "nx-crossbake"', 'nx-crossbake', true],
    ['ERROR: failed to solve: no builder found in the cache', 'nx-crossbake', false],
  ])('%j (%s) → %j', (stderr, name, missing) => expect(isBuilderMissing(stderr, name)).toBe(missing));
});

describe('isForeignBinaryFailure', () => {
  it.each([
    ['process "/bin/sh -c make" did not complete successfully: exit code: 255\nexec /bin/sh: exec format error', true],
    ['process "/bin/sh -c make" did not complete successfully: exit code: 2', false],
  ])('%j → %j', (text, foreign) => expect(isForeignBinaryFailure(text)).toBe(foreign));
});
