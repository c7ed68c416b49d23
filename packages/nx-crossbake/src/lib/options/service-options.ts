/** One project's options after normalizeOptions: every default applied, every value parsed. */
export interface ServiceOptions {
  /** Nx project name, e.g. `@acme/api`. */
  project: string;
  projectRoot: string;
  /** Workspace-relative, POSIX separators. */
  context: string;
  /** Workspace-relative, POSIX separators. */
  file: string;
  platforms: string[];
  tags: string[];
  push: boolean;
  load: boolean;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  target?: string;
  builder: string;
  /** Prepare the builder (QEMU, create or reuse, platform check) before building. */
  setup: boolean;
  cacheFrom: string[];
  cacheTo: string[];
  pull: boolean;
  noCache: boolean;
  outputs: string[];
}
