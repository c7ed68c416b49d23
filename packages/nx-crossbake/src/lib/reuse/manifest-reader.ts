import { parseImageRef } from '../docker/image-ref';

/** What reuse asks of the registry: one manifest by reference (lib/registry's client is one). */
export interface ManifestReader {
  /** Undefined when the registry has no such manifest; throws (a CrossbakeError naming the registry) when it cannot say. */
  getManifest(ref: { registry: string; name: string; reference: string }): Promise<{ digest: string; bytes: Buffer } | undefined>;
  /** The same without the bytes: a HEAD (on Docker Hub, not counted as a pull). */
  headManifest(ref: { registry: string; name: string; reference: string }): Promise<{ digest: string } | undefined>;
}

/** `host:5000/acme/api:tag` (or `…@sha256:…`, or a Docker Hub name) → the pieces a registry is asked by. */
export function manifestRef(ref: string, reference?: string): { registry: string; name: string; reference: string } {
  const { repository, tag, digest } = parseImageRef(ref);
  const slash = repository.indexOf('/');
  return { registry: repository.slice(0, slash), name: repository.slice(slash + 1), reference: reference ?? digest ?? tag ?? 'latest' };
}
