import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_ANNOTATION } from './content-key';
import { verifyIndex } from './verify-index';

// Recorded from the rig: `docker buildx imagetools inspect --raw` of a 2-platform image bake pushed with provenance
// and `annotations: ["index:dev.nx-crossbake.content-key=k1"]`.
const RECORDED = readFileSync(join(__dirname, '__fixtures__/index.two-platforms.json'), 'utf8');
const recorded = () => JSON.parse(RECORDED);

describe('verifyIndex', () => {
  it('accepts the index of the key for exactly its platforms, and lists every manifest to check', () => {
    const result = verifyIndex(RECORDED, 'k1', ['linux/arm64', 'linux/amd64']);
    expect(result).toEqual({ children: recorded().manifests.map((m: { digest: string }) => m.digest) });
    expect('children' in result && result.children).toHaveLength(4);
  });

  it.each([
    ['another key', 'k2', ['linux/amd64', 'linux/arm64'], /annotation/],
    ['a platform more', 'k1', ['linux/amd64', 'linux/arm64', 'linux/arm/v7'], /lists linux\/amd64, linux\/arm64, not/],
    ['a platform less', 'k1', ['linux/amd64'], /not linux\/amd64$/],
  ])('refuses %s', (_, key, platforms, why) => {
    expect(verifyIndex(RECORDED, key, platforms)).toEqual({ mismatch: expect.stringMatching(why) });
  });

  it('refuses an index without our annotation, a single manifest, and what is not JSON', () => {
    const bare = recorded();
    delete bare.annotations;
    expect(verifyIndex(JSON.stringify(bare), 'k1', ['linux/amd64', 'linux/arm64'])).toEqual({
      mismatch: expect.stringMatching(KEY_ANNOTATION),
    });
    const manifest = { mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {}, layers: [] };
    expect(verifyIndex(JSON.stringify(manifest), 'k1', ['linux/amd64'])).toEqual({ mismatch: expect.stringMatching(/not an image index/) });
    expect(verifyIndex('<html>', 'k1', ['linux/amd64'])).toEqual({ mismatch: 'what is there is not JSON' });
  });

  it('reads platforms as containerd normalizes them (arm64/v8 is arm64)', () => {
    const index = recorded();
    index.manifests[1].platform.variant = 'v8';
    expect(verifyIndex(JSON.stringify(index), 'k1', ['linux/amd64', 'linux/arm64'])).toHaveProperty('children');
  });
});
