/**
 * Options of `nx-crossbake:setup`; mirrors schema.json (the source of truth). These are the forms the
 * builder spec accepts, not a promise: Nx lets any value through (see schema.json's $comment), so code
 * reads them with lib/options (optionReader, coerce.ts), never raw.
 */
import type { BooleanOption, ListOption } from '../multiarch/schema';

export interface SetupNodeSchema {
  name: string;
  endpoint: string;
  platforms: ListOption;
  'driver-opts'?: ListOption;
}

export interface SetupExecutorSchema {
  builder?: string;
  driver?: 'docker-container' | 'docker' | 'remote' | 'kubernetes';
  'driver-opts'?: ListOption;
  endpoint?: string;
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
