/**
 * Options of `nx-crossbake:multiarch` as written in project.json, nx.json or on the command line; mirrors
 * schema.json (the source of truth). These are the forms normalizeOptions accepts, not a promise: Nx lets
 * any value through (see schema.json's $comment), so code reads them with lib/options/coerce.ts, never raw.
 */

/** A list, or one string: entries per line (and per comma where the option says so). */
export type ListOption = string[] | string;
/** `KEY=VALUE` entries as a list or one string per line, or a `{KEY: value}` map. */
export type KeyValueOption = ListOption | Record<string, string | number | boolean>;
/** A boolean, or "true"/"false" as a command line gives it. */
export type BooleanOption = boolean | 'true' | 'false';

export interface RegistryLoginOption {
  url: string;
  username: string;
  passwordEnv: string;
}

export interface SignOption {
  key?: string;
  passwordEnv?: string;
  verifyKey?: string;
  recursive?: BooleanOption;
  tlog?: BooleanOption;
  rekorUrl?: string;
  keyless?: BooleanOption;
  identity?: string;
  issuer?: string;
  timeoutSeconds?: number | string;
}

export interface MultiarchExecutorSchema {
  file?: string;
  context?: string;
  platforms?: ListOption;
  tags?: ListOption;
  'tag-latest'?: BooleanOption;
  push?: BooleanOption;
  load?: BooleanOption;
  'build-args'?: KeyValueOption;
  target?: string | number;
  labels?: KeyValueOption;
  'oci-labels'?: BooleanOption;
  reproducible?: BooleanOption;
  'source-date-epoch'?: 'zero' | 'commit';
  check?: 'warn' | 'error' | 'off';
  reuse?: BooleanOption;
  'reuse-salt'?: string | number;
  secrets?: ListOption;
  'secret-files'?: ListOption;
  ssh?: ListOption;
  'build-contexts'?: ListOption;
  provenance?: BooleanOption | 'mode=min' | 'mode=max';
  sbom?: BooleanOption;
  sign?: SignOption | false;
  builder?: string;
  setup?: BooleanOption;
  'cache-from'?: ListOption;
  'cache-to'?: ListOption;
  cache?: 'auto' | 'registry' | 'local' | 'gha' | 'none';
  pull?: BooleanOption;
  'no-cache'?: BooleanOption;
  outputs?: ListOption;
  'strict-emulation'?: BooleanOption;
  registries?: RegistryLoginOption[];
  'push-by-digest'?: string;
  'keep-going'?: BooleanOption;
}
