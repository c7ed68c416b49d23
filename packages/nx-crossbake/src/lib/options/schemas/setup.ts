/**
 * Options of `nx-crossbake:setup`; mirrors schema.json (the source of truth). These are the forms the
 * builder spec accepts, not a promise: Nx lets any value through (see schema.json's $comment), so code
 * reads them with lib/options (optionReader, coerce.ts), never raw.
 */
import type { BooleanOption, ListOption } from './multiarch';

export interface SetupNodeSchema {
  name: string;
  /** Required but for kubernetes, which takes none. */
  endpoint?: string;
  platforms: ListOption;
  'driver-opts'?: ListOption;
}

export interface SetupExecutorSchema {
  builder?: string;
  driver?: 'docker-container' | 'docker' | 'remote' | 'kubernetes';
  'driver-opts'?: ListOption;
  /** `auto` (default), `host`, or a Docker network name such as `bridge`. */
  network?: string;
  endpoint?: string;
  cacert?: string;
  cert?: string;
  key?: string;
  servername?: string;
  platforms?: ListOption;
  nodes?: SetupNodeSchema[];
  'insecure-registries'?: ListOption;
  'registry-mirrors'?: ListOption;
  'max-parallelism'?: number | string;
  'buildkitd-config'?: string;
  'install-qemu'?: BooleanOption;
  'qemu-image'?: string;
  recreate?: BooleanOption;
  remove?: BooleanOption;
  'remove-state'?: BooleanOption;
}
