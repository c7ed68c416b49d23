import { CrossbakeError } from '../core/errors';
import { manifestRef, type ManifestReader } from './manifest-reader';
import { verifyIndex } from './verify-index';

/** What the registry holds under a key tag: a complete image of the key, nothing usable (and why), or no answer. */
type Lookup = { digest: string } | { miss: string } | { failed: string; registry: string };

/**
 * Looks a key up: the index under the key tag must carry the key, list exactly the platforms, and every
 * manifest it lists must still be there (retention tools delete untagged children). Anything less is a miss,
 * and the image is built as if nothing were there.
 */
export async function lookUpKey(registry: ManifestReader, keyTag: string, key: string, platforms: readonly string[]): Promise<Lookup> {
  const ref = manifestRef(keyTag);
  try {
    const index = await registry.getManifest(ref);
    if (!index) return { miss: `no image under ${keyTag}` };
    const verdict = verifyIndex(index.bytes, key, platforms);
    if ('mismatch' in verdict) return { miss: `the image under ${keyTag} is not one to reuse: ${verdict.mismatch}` };
    const children = await Promise.all(verdict.children.map((digest) => registry.headManifest({ ...ref, reference: digest })));
    const gone = verdict.children.filter((_, i) => children[i] === undefined);
    if (gone.length > 0) return { miss: `the image under ${keyTag} is incomplete: ${gone.join(', ')} no longer in the registry` };
    return { digest: index.digest };
  } catch (e) {
    if (!(e instanceof CrossbakeError)) throw e;
    return { failed: e.message, registry: ref.registry };
  }
}
