import { CrossbakeError } from '../core/errors';
import type { CosignCli } from '../cosign/cosign-cli';
import { describeVerifier, type VerifyMethod } from '../cosign/commands';
import { repositoryOf } from '../options/image-names';
import { manifestRef, type ManifestReader } from '../reuse/manifest-reader';
import { indexPlatforms } from '../reuse/verify-index';

/** What a deploy checks of each tag: there, a manifest list of every platform, signed by the key (or identity). */
interface TagCheck {
  tag: string;
  /** What the tag points at now. */
  digest?: string;
  signatures: number;
  problems: string[];
}

/**
 * Checks every tag as it is now in the registry: the list it points at has every platform, and cosign verify
 * finds a signature (not just an attestation) of the key on that digest. Each tag's problems are its own.
 */
export async function verifyTags(
  cosign: CosignCli,
  registry: ManifestReader,
  o: { tags: readonly string[]; platforms: readonly string[]; method: VerifyMethod; env: Record<string, string> },
): Promise<TagCheck[]> {
  return Promise.all(
    o.tags.map(async (tag): Promise<TagCheck> => {
      const check: TagCheck = { tag, signatures: 0, problems: [] };
      try {
        const manifest = await registry.getManifest(manifestRef(tag));
        if (!manifest) return { ...check, problems: [`${tag} is not in the registry`] };
        check.digest = manifest.digest;
        const platforms = indexPlatforms(manifest.bytes);
        const missing = o.platforms.filter((p) => !platforms?.includes(p));
        if (missing.length) check.problems.push(`${tag} (${manifest.digest}) lacks ${missing.join(', ')}`);
        check.signatures = await cosign.countSignatures(`${repositoryOf(tag)}@${manifest.digest}`, o.method, o);
        if (check.signatures === 0) check.problems.push(`${tag} (${manifest.digest}) has no signature of ${describeVerifier(o.method)}`);
      } catch (e) {
        if (!(e instanceof CrossbakeError)) throw e;
        check.problems.push(`${tag}: ${e.message}`);
      }
      return check;
    }),
  );
}
