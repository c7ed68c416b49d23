/** Options of `nx-crossbake:multiarch` as written in project.json; mirrors schema.json (the source of truth). */
export interface MultiarchExecutorSchema {
  file?: string;
  context?: string;
  platforms?: string[];
  tags?: string[];
  'tag-latest'?: boolean;
  push?: boolean;
  load?: boolean;
  'build-args'?: string[];
  target?: string;
  labels?: string[];
  'oci-labels'?: boolean;
  secrets?: string[];
  'secret-files'?: string[];
  ssh?: string[];
  'build-contexts'?: string[];
  provenance?: string;
  sbom?: boolean;
  builder?: string;
  setup?: boolean;
  'cache-from'?: string[];
  'cache-to'?: string[];
  cache?: 'auto' | 'registry' | 'local' | 'gha' | 'none';
  pull?: boolean;
  'no-cache'?: boolean;
  outputs?: string[];
  'strict-emulation'?: boolean;
  registries?: { url: string; username: string; passwordEnv: string }[];
  'push-by-digest'?: string;
  'keep-going'?: boolean;
}
