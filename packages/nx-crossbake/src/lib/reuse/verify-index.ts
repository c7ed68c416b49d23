import { normalizePlatform } from '../docker/platforms';
import { KEY_ANNOTATION } from './content-key';

const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];

interface Descriptor {
  mediaType?: string;
  digest?: string;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

/** An attestation manifest (provenance, SBOM): BuildKit lists it under the `unknown/unknown` platform. */
const isAttestation = (d: Descriptor) =>
  d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
  (d.platform?.os === 'unknown' && d.platform?.architecture === 'unknown');

const platformOf = (d: Descriptor) => {
  const written = [d.platform?.os, d.platform?.architecture, d.platform?.variant].filter(Boolean).join('/');
  return normalizePlatform(written).platform ?? written;
};

/** The platforms an image index lists (its attestation manifests left out); undefined for anything else. */
export function indexPlatforms(raw: Buffer | string): string[] | undefined {
  try {
    const index = JSON.parse(raw.toString()) as { mediaType?: string; manifests?: Descriptor[] };
    if (!INDEX_TYPES.includes(index.mediaType ?? '') || !Array.isArray(index.manifests)) return undefined;
    return index.manifests.filter((d) => !isAttestation(d)).map(platformOf);
  } catch {
    return undefined;
  }
}

/**
 * Whether the raw index found under a key tag is an image of that key, for exactly the requested platforms:
 * the digests of every manifest it lists (each must still exist, which the caller checks), or why not.
 * Never reuse what cannot be verified: another tool may have pushed to the tag, or an older run of another key format.
 */
export function verifyIndex(
  raw: Buffer | string,
  key: string,
  platforms: readonly string[],
): { children: string[] } | { mismatch: string } {
  let index: { mediaType?: string; manifests?: Descriptor[]; annotations?: Record<string, string> };
  try {
    index = JSON.parse(raw.toString());
  } catch {
    return { mismatch: 'what is there is not JSON' };
  }
  if (!INDEX_TYPES.includes(index.mediaType ?? '') || !Array.isArray(index.manifests))
    return { mismatch: `what is there is not an image index (${index.mediaType ?? 'no media type'})` };
  if (index.annotations?.[KEY_ANNOTATION] !== key)
    return { mismatch: `its index does not carry the annotation ${KEY_ANNOTATION}=<this key>` };
  const images = index.manifests.filter((d) => !isAttestation(d));
  const found = [...new Set(images.map(platformOf))].sort();
  const wanted = [...new Set(platforms)].sort();
  if (found.length !== images.length || found.join() !== wanted.join())
    return { mismatch: `its index lists ${images.map(platformOf).join(', ') || 'no platform'}, not ${wanted.join(', ')}` };
  const children = index.manifests.map((d) => d.digest);
  if (children.some((d) => typeof d !== 'string')) return { mismatch: 'its index lists a manifest without a digest' };
  return { children: children as string[] };
}
