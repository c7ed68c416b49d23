/**
 * Options of `@nx-tools/nx-container:build` as they appear in project.json, mirroring its schema.json
 * (https://github.com/gperdomor/nx-tools/blob/main/plugins/nx-container/src/executors/build/schema.json).
 * Anything may be found in a real project.json, so the converter treats values as `unknown` and checks them.
 */
export const NX_CONTAINER_EXECUTOR = '@nx-tools/nx-container:build';
/** The package's inferred-targets plugin: its targets live in no project.json, so they cannot be converted here. */
export const NX_CONTAINER_PLUGIN = '@nx-tools/nx-container';

/** docker/metadata-action inputs, as nx-container's `metadata` option takes them. */
interface NxContainerMetadata {
  images?: string[];
  tags?: string[];
  flavor?: string[];
  labels?: string[];
  'sep-tags'?: string;
  'sep-labels'?: string;
  'bake-target'?: string;
}

export interface NxContainerOptions {
  engine?: 'docker' | 'podman' | 'kaniko';
  quiet?: boolean;
  /** Dropped from nx-container's schema since, but still found in project.json files. */
  'github-token'?: string;
  'add-hosts'?: string[];
  allow?: string[];
  'build-args'?: string[];
  'build-contexts'?: string[];
  builder?: string;
  'cache-from'?: string | string[];
  'cache-to'?: string | string[];
  'cgroup-parent'?: string;
  context?: string;
  file?: string;
  labels?: string[];
  load?: boolean;
  network?: string;
  'no-cache'?: boolean;
  /** In nx-container's docs and older schemas, still found in project.json files. */
  'no-cache-filters'?: string[];
  outputs?: string[];
  platforms?: string[];
  provenance?: string;
  pull?: boolean;
  push?: boolean;
  registries?: string[];
  sbom?: boolean;
  secrets?: string[];
  'secret-files'?: string[];
  'shm-size'?: string;
  ssh?: string[];
  tags?: string[];
  target?: string;
  ulimit?: string[];
  metadata?: NxContainerMetadata;
}
