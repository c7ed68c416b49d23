/** Pure argv builders for every docker command we run (`getXxxCommand`). */

/**
 * How a command reaches a builder. A docker-driver builder is a Docker context, and buildx refuses
 * `--builder <context>` for a context that is not the current one: it is selected with docker's global
 * `--context` flag instead. Neither changes any global setting (never `buildx use`).
 */
export interface BuilderRef {
  name: string;
  isContext: boolean;
}

const buildx = (builder: BuilderRef, ...args: string[]): string[] =>
  builder.isContext ? ['--context', builder.name, 'buildx', ...args] : ['buildx', '--builder', builder.name, ...args];

export const getBuildxVersionCommand = (): string[] => ['buildx', 'version'];

/** The engine's storage driver status: tells whether the containerd image store is on. */
export const getDriverStatusCommand = (): string[] => ['info', '--format', '{{json .DriverStatus}}'];

export interface BakeCommandInput {
  bakeFile: string;
  metadataFile: string;
  builder: BuilderRef;
  /** `--allow` values, as getBakeEntitlements computes them: without them bake refuses every target. */
  entitlements?: readonly string[];
}

// Plain progress: readable in CI logs, and it names the target of every step, which is how a failure is
// traced back to its project.
export const getBakeCommand = ({ bakeFile, metadataFile, builder, entitlements = [] }: BakeCommandInput): string[] =>
  buildx(
    builder,
    'bake',
    '--file',
    bakeFile,
    '--metadata-file',
    metadataFile,
    '--progress',
    'plain',
    ...entitlements.flatMap((e) => ['--allow', e]),
  );

export const getHistoryListCommand = (builder: BuilderRef): string[] => buildx(builder, 'history', 'ls', '--format', 'json');

export const getBuilderInspectCommand = (name: string, bootstrap: boolean): string[] => [
  'buildx',
  'inspect',
  ...(bootstrap ? ['--bootstrap'] : []),
  name,
];

export interface BuilderCreateInput {
  name: string;
  driver: string;
  driverOpts: readonly string[];
  /** Pinned with `--platform`; empty lets BuildKit detect what it can run. */
  platforms: readonly string[];
  buildkitdConfigFile?: string;
  endpoint?: string;
}

const driverOptArgs = (opts: readonly string[]) => opts.flatMap((opt) => ['--driver-opt', opt]);

export const getBuilderCreateCommand = (input: BuilderCreateInput): string[] => [
  'buildx',
  'create',
  '--name',
  input.name,
  '--driver',
  input.driver,
  ...driverOptArgs(input.driverOpts),
  ...(input.platforms.length ? ['--platform', input.platforms.join(',')] : []),
  ...(input.buildkitdConfigFile ? ['--buildkitd-config', input.buildkitdConfigFile] : []),
  '--bootstrap',
  ...(input.endpoint ? [input.endpoint] : []),
];

export interface NodeAppendInput {
  builder: string;
  node: string;
  driverOpts: readonly string[];
  platforms: readonly string[];
  buildkitdConfigFile?: string;
  endpoint: string;
}

/** Adds a (native) node to an existing builder; bake sends the node's pinned platforms to it. */
export const getNodeAppendCommand = (input: NodeAppendInput): string[] => [
  'buildx',
  'create',
  '--append',
  '--name',
  input.builder,
  '--node',
  input.node,
  ...driverOptArgs(input.driverOpts),
  '--platform',
  input.platforms.join(','),
  ...(input.buildkitdConfigFile ? ['--buildkitd-config', input.buildkitdConfigFile] : []),
  '--bootstrap',
  input.endpoint,
];

export const getBuilderRemoveCommand = (name: string, keepState: boolean): string[] => [
  'buildx',
  'rm',
  ...(keepState ? ['--keep-state'] : []),
  name,
];

/** Restarts BuildKit so it detects emulators registered after it started. */
export const getBuilderStopCommand = (name: string): string[] => ['buildx', 'stop', name];

/** The docker driver's named builder is a Docker context pointing at the engine. */
export const getContextCreateCommand = (name: string, dockerHost: string): string[] => [
  'context',
  'create',
  name,
  '--description',
  'buildx builder managed by nx-crossbake',
  '--docker',
  `host=${dockerHost}`,
];

export const getContextRemoveCommand = (name: string): string[] => ['context', 'rm', '--force', name];

export const getContextHostCommand = (): string[] => ['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}'];

/** tonistiigi/binfmt's interface: registers the named emulators (with the F flag) and exits. */
export const getEmulatorInstallCommand = (image: string, names: readonly string[]): string[] => [
  'run',
  '--privileged',
  '--rm',
  image,
  '--install',
  names.join(','),
];

/** The password goes to stdin (`ExecOptions.input`), never into argv. */
export const getLoginCommand = (url: string, username: string): string[] => ['login', url, '--username', username, '--password-stdin'];

/** Joins digests pushed by several runners into one manifest list carrying every tag. */
export const getImagetoolsCreateCommand = (tags: readonly string[], sources: readonly string[]): string[] => [
  'buildx',
  'imagetools',
  'create',
  ...tags.flatMap((t) => ['--tag', t]),
  ...sources,
];
