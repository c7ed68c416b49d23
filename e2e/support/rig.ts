/**
 * What the rig provides, for the e2e tests: registries, images, and the TLS BuildKit daemons that
 * e2e/rig/buildkit.sh starts (global setup) and stops (global teardown). Defaults and environment overrides
 * mirror e2e/rig/setup.sh and e2e/rig/buildkit.sh: change them together.
 */
import { join } from 'node:path';

const env = process.env;

/** The rig's state folder: logs, registry data, the daemons' certificates and buildkitd.toml. */
export const RIG_DIR = env.CROSSBAKE_RIG_DIR ?? '/var/lib/crossbake-rig';
/** Plain-HTTP registry, open to all. */
export const REGISTRY = env.CROSSBAKE_REGISTRY ?? '127.0.0.1:5000';
/** Plain-HTTP registry that requires a login (user `crossbake`, password in `AUTH_REGISTRY_PASSWORD_FILE`). */
export const AUTH_REGISTRY = env.CROSSBAKE_AUTH_REGISTRY ?? '127.0.0.1:5001';
export const AUTH_REGISTRY_PASSWORD_FILE = join(RIG_DIR, 'auth-registry/password');
/** busybox for linux/amd64, arm64 and arm/v7, built FROM scratch (no Docker Hub here). */
export const BASE_IMAGE = `${REGISTRY}/crossbake/busybox:1`;
/** The rig's stand-in for tonistiigi/binfmt (same `--install arm64,arm` interface). */
export const BINFMT_IMAGE = `${REGISTRY}/crossbake/binfmt:qemu-7.2-1`;
/** moby/buildkit:buildx-stable-1, copied from Docker Hub or built from the stand-in (buildkitd v0.25.2). */
export const BUILDKIT_IMAGE = `${REGISTRY}/moby/buildkit:buildx-stable-1`;

/** Platforms every rig daemon lists (QEMU serves the foreign ones); buildkit.sh refuses to start without them. */
export const RIG_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];

const tlsDir = join(RIG_DIR, 'buildkit/tls');
/**
 * Client side of the daemons' mutual TLS. Absolute paths, as buildx's remote driver requires. The server
 * certificate names IP 127.0.0.1 and DNS `localhost`, so `servername` may also be left to buildx (which
 * then takes the endpoint's host).
 */
export const BUILDKIT_TLS = {
  cacert: join(tlsDir, 'ca.pem'),
  cert: join(tlsDir, 'client-cert.pem'),
  key: join(tlsDir, 'client-key.pem'),
  servername: 'localhost',
} as const;
/** The same as buildx `--driver-opt` values, for a remote builder or node. */
export const BUILDKIT_TLS_DRIVER_OPTS = Object.entries(BUILDKIT_TLS).map(([key, value]) => `${key}=${value}`);

export interface RigDaemon {
  /** Container name on the engine (its logs: `docker logs <container>`). */
  container: string;
  /** buildx endpoint, TLS required. */
  endpoint: string;
  /** For a multi-node builder: the platforms to pin to this node (the daemon itself serves all of RIG_PLATFORMS). */
  platforms: string[];
}

const prefix = env.CROSSBAKE_BUILDKITD_PREFIX ?? 'crossbake-buildkitd';
const port = Number(env.CROSSBAKE_BUILDKITD_PORT ?? 1234);
const daemon = (name: string, offset: number, platforms: string[]): RigDaemon => ({
  container: `${prefix}-${name}`,
  endpoint: `tcp://127.0.0.1:${port + offset}`,
  platforms,
});

/** The daemon of the `remote` driver cases. */
export const REMOTE_DAEMON = daemon('remote', 0, RIG_PLATFORMS);
/** The two nodes of the multi-node builder: A builds linux/amd64, B linux/arm64 and linux/arm/v7. */
export const NODE_A_DAEMON = daemon('node-a', 1, ['linux/amd64']);
export const NODE_B_DAEMON = daemon('node-b', 2, ['linux/arm64', 'linux/arm/v7']);

/**
 * Setup options of the suite's default builder: the docker-container driver on the rig's BuildKit image.
 * No `network`: the plugin decides host networking itself (the rig's registries are on loopback).
 */
export const DOCKER_CONTAINER_SETUP_OPTIONS = {
  driver: 'docker-container',
  'driver-opts': [`image=${BUILDKIT_IMAGE}`],
  'qemu-image': BINFMT_IMAGE,
};

/** cosign 3 from Debian sid, unpacked by setup.sh into its own prefix (not on PATH: the plugin is told with CROSSBAKE_COSIGN). */
export const COSIGN = join(RIG_DIR, 'cosign/usr/bin/cosign');
