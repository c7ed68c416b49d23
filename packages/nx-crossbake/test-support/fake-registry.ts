import { createHash } from 'node:crypto';
import { CrossbakeError } from '../src/lib/core/errors';
import type { BakeTarget } from '../src/lib/docker/bake-file';
import type { ManifestReader } from '../src/lib/reuse/manifest-reader';

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** `host/path:tag` or `host/path@sha256:…` as stored: tags and digests live in one map per repository. */
const split = (ref: string) => {
  const at = ref.indexOf('@');
  if (at >= 0) return { repository: ref.slice(0, at), reference: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/')
    ? { repository: ref.slice(0, colon), reference: ref.slice(colon + 1) }
    : { repository: ref, reference: 'latest' };
};

export interface FakeRegistry {
  reader: ManifestReader;
  /** Every `getManifest`, as `repository:reference`. */
  reads: string[];
  /** Stores a manifest (any JSON) under a tag, and by its digest; returns the digest. */
  put(ref: string, manifest: unknown): string;
  /** Points `tag` at what `source` (`repo@digest` or a tag) is. */
  copy(source: string, tag: string): void;
  /** Deletes a tag or a digest. */
  remove(ref: string): void;
  digestOf(ref: string): string | undefined;
  /** What bake pushes for a target: an index of its platforms (and their manifests), with its index annotations. */
  pushTarget(target: BakeTarget, tag: string): string;
}

/** An in-memory registry for specs: repositories are compared as written (host included). */
export function fakeRegistry(o: { refuse?: (ref: string) => string | undefined } = {}): FakeRegistry {
  const store = new Map<string, Buffer>();
  const reads: string[] = [];
  const key = (repository: string, reference: string) => `${repository}|${reference}`;
  const registry: FakeRegistry = {
    reads,
    reader: {
      async getManifest({ registry: host, name, reference }) {
        const repository = host === 'docker.io' ? `docker.io/${name}` : `${host}/${name}`;
        reads.push(`${repository}:${reference}`);
        const refused = o.refuse?.(`${repository}:${reference}`);
        if (refused) throw new CrossbakeError(refused);
        const bytes = store.get(key(repository, reference));
        return bytes && { digest: sha256(bytes), bytes };
      },
      async headManifest(ref) {
        const manifest = await registry.reader.getManifest(ref);
        return manifest && { digest: manifest.digest };
      },
    },
    put(ref, manifest) {
      const { repository, reference } = split(ref);
      const bytes = Buffer.from(JSON.stringify(manifest));
      const digest = sha256(bytes);
      store.set(key(repository, digest), bytes);
      if (!reference.startsWith('sha256:')) store.set(key(repository, reference), bytes);
      return digest;
    },
    copy(source, tag) {
      const from = split(source);
      const bytes = store.get(key(from.repository, from.reference));
      if (!bytes) throw new Error(`fake registry: no ${source}`);
      const to = split(tag);
      store.set(key(to.repository, to.reference), bytes);
      store.set(key(to.repository, sha256(bytes)), bytes);
    },
    remove(ref) {
      const { repository, reference } = split(ref);
      store.delete(key(repository, reference));
    },
    digestOf(ref) {
      const { repository, reference } = split(ref);
      const bytes = store.get(key(repository, reference));
      return bytes && sha256(bytes);
    },
    pushTarget(target, tag) {
      const { repository } = split(tag);
      const manifests = target.platforms.map((platform) => {
        const [os, architecture, variant] = platform.split('/');
        const digest = registry.put(`${repository}@sha256:platform`, {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          platform,
          args: target.args,
        });
        return {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest,
          platform: { os, architecture, ...(variant && { variant }) },
        };
      });
      const annotations = Object.fromEntries(
        (target.annotations ?? [])
          .filter((a) => a.startsWith('index:'))
          .map((a) => a.slice('index:'.length).split('=') as [string, string]),
      );
      return registry.put(tag, { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests, annotations });
    },
  };
  return registry;
}
