import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeRegistry } from '../../../test-support/fake-registry';
import { CosignCli } from '../cosign/cosign-cli';
import type { ExecResult } from '../process/exec';
import { verifyTags } from './verify-images';

const fixture = (name: string) => readFileSync(join(__dirname, '../__fixtures__', name), 'utf8');
const index = (platforms: string[]) => ({
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [
    ...platforms.map((p, i) => {
      const [os, architecture, variant] = p.split('/');
      return {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: `sha256:${String(i).repeat(64)}`,
        platform: { os, architecture, variant },
      };
    }),
    {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${'f'.repeat(64)}`,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
    },
  ],
});

/** cosign verify as recorded: a signature on the digests in `signed`, only an attestation on those in `attested`. */
const cosign = (signed: Set<string>, attested = new Set<string>()) =>
  new CosignCli(async (_file, args): Promise<ExecResult> => {
    const digest = args[args.length - 1].split('@')[1];
    if (signed.has(digest)) return { exitCode: 0, stdout: fixture('cosign-verify.signed.out.txt'), stderr: '' };
    if (attested.has(digest)) return { exitCode: 0, stdout: fixture('cosign-verify.attestation-only.out.txt'), stderr: '' };
    return { exitCode: 10, stdout: '', stderr: fixture('cosign-verify.unsigned.err.txt') };
  });

const method = { kind: 'key' as const, publicKey: '/keys/cosign.pub', tlog: false };
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];

describe('verifyTags', () => {
  it('passes a tag whose list has every platform and a signature of the key; each tag answers for itself', async () => {
    const registry = fakeRegistry();
    const good = registry.put('r.example/api:1', index(PLATFORMS));
    const partial = registry.put('r.example/api:partial', index(['linux/amd64']));
    // Another list (an annotation apart), carrying only a `cosign attest` attestation of the key.
    const attestedOnly = registry.put('r.example/api:attested', { ...index(PLATFORMS), annotations: { built: 'elsewhere' } });
    const checks = await verifyTags(cosign(new Set([good, partial]), new Set([attestedOnly])), registry.reader, {
      tags: ['r.example/api:1', 'r.example/api:partial', 'r.example/api:attested', 'r.example/api:gone'],
      platforms: PLATFORMS,
      method,
      env: {},
    });
    expect(checks.map((c) => [c.tag, c.signatures, c.problems])).toEqual([
      ['r.example/api:1', 1, []],
      ['r.example/api:partial', 1, [`r.example/api:partial (${partial}) lacks linux/arm64, linux/arm/v7`]],
      ['r.example/api:attested', 0, [`r.example/api:attested (${attestedOnly}) has no signature of the public key /keys/cosign.pub`]],
      ['r.example/api:gone', 0, ['r.example/api:gone is not in the registry']],
    ]);
  });
});
