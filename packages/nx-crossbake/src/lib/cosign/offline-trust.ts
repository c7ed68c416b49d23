import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What `cosign signing-config create` and `cosign trusted-root create` print without flags: a signing config
 * that names no service and a trusted root that trusts none (constant; checked on cosign 3.1.1). Given both,
 * key signing asks no sigstore service: without the trusted root cosign still fetches sigstore's TUF repository,
 * which fails at once without DNS but hangs 60 s on a network that drops the connection.
 */
const SIGNING_CONFIG = '{"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.2+json","rekorTlogConfig":{},"tsaConfig":{}}';
const TRUSTED_ROOT = '{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}';

/** Writes both into the run's private folder; their paths, for SignMethod.offline. */
export function writeOfflineTrust(dir: string): { signingConfig: string; trustedRoot: string } {
  const files = { signingConfig: join(dir, 'cosign-signing-config.json'), trustedRoot: join(dir, 'cosign-trusted-root.json') };
  writeFileSync(files.signingConfig, SIGNING_CONFIG);
  writeFileSync(files.trustedRoot, TRUSTED_ROOT);
  return files;
}
