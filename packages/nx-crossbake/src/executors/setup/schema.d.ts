/** Options of `nx-crossbake:setup`; mirrors schema.json (the source of truth). */
export interface SetupNodeSchema {
  name: string;
  endpoint: string;
  platforms: string[];
  'driver-opts'?: string[];
}

export interface SetupExecutorSchema {
  builder?: string;
  driver?: 'docker-container' | 'docker' | 'remote' | 'kubernetes';
  'driver-opts'?: string[];
  endpoint?: string;
  platforms?: string[];
  nodes?: SetupNodeSchema[];
  'insecure-registries'?: string[];
  'registry-mirrors'?: string[];
  'max-parallelism'?: number;
  'buildkitd-config'?: string;
  'install-qemu'?: boolean;
  'qemu-image'?: string;
  recreate?: boolean;
  remove?: boolean;
  'remove-state'?: boolean;
}
