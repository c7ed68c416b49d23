/**
 * What the registry client is given and gives back. References arrive already split (the caller parses
 * image refs with lib/docker's image-ref.ts, a sibling this layer may not import).
 */
import type { Env, Exec } from '../process/exec';

export interface ManifestRef {
  /** `host[:port]`, `docker.io` for Docker Hub. */
  registry: string;
  /** The repository path: `library/busybox`, `acme/api`. */
  name: string;
  /** A tag, or a digest (`sha256:…`). */
  reference: string;
}

export interface Manifest {
  /** The digest of the bytes (`sha256:…`, or the digest asked for), checked against Docker-Content-Digest. */
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

/** What a HEAD tells: a manifest's digest and type, without its bytes. */
export type ManifestHead = Omit<Manifest, 'bytes'>;

export interface RegistryClientOptions {
  /** For the docker configuration folder: DOCKER_CONFIG, HOME. */
  env: Env;
  /** Overrides DOCKER_CONFIG: a run with its own logins reads its private folder. */
  dockerConfigDir?: string;
  /** Runs `docker-credential-<helper> get`. */
  exec: Exec;
  /** Hosts the engine treats as insecure, which may answer in plain HTTP (loopback hosts always may). */
  insecure?: (host: string) => boolean;
  /** Docker Hub mirrors (`https://mirror.gcr.io`, `http://127.0.0.1:5000`), tried in order before Hub. */
  mirrors?: readonly string[];
  /** Per request; 10 s by default. */
  timeoutMs?: number;
}

export interface RegistryClient {
  /** The manifest, or undefined when the registry says it (or its repository) does not exist. */
  getManifest(ref: ManifestRef): Promise<Manifest | undefined>;
  /** Its digest and type, without the bytes (on Docker Hub, a HEAD does not count as a pull). */
  headManifest(ref: ManifestRef): Promise<ManifestHead | undefined>;
}
