/** Pure argv builders for every docker command we run (`getXxxCommand`). */
import { csvPair } from '../core/csv';

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

/** The engine's storage driver status: tells whether the containerd image store is on. */
export const getDriverStatusCommand = (): string[] => ['info', '--format', '{{json .DriverStatus}}'];

/** The engine's registry settings (insecure registries and ranges, mirrors): one call, read by parseRegistryConfig. */
export const getRegistryConfigCommand = (): string[] => ['info', '--format', '{{json .RegistryConfig}}'];

/** The repository digests of a local image: which image a tag actually ran (parseRepoDigest). */
export const getImageDigestsCommand = (image: string): string[] => ['image', 'inspect', '--format', '{{json .RepoDigests}}', image];

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

/**
 * The build checks of some of a bake file's targets, without building them: buildx prints each target's
 * findings (and the error of a target it could not check) as one JSON document on stdout. Its exit code is 1 for
 * any finding in any target, so the caller reads the JSON, never the code.
 */
export const getBakeCheckCommand = (
  { bakeFile, builder, entitlements = [] }: Omit<BakeCommandInput, 'metadataFile'>,
  targets: readonly string[],
): string[] =>
  buildx(
    builder,
    'bake',
    '--file',
    bakeFile,
    '--call',
    'check,format=json',
    '--progress',
    'quiet',
    ...entitlements.flatMap((e) => ['--allow', e]),
    ...targets,
  );

/** The bake's environment: the metadata file also gets BuildKit's warnings (build-check findings among them). */
export const BAKE_ENV = { BUILDX_METADATA_WARNINGS: '1' };

/**
 * The builder's build records started since `since`: a bake's own records, read by their refs, without listing
 * the builder's whole history (buildx returns at most 50 records a node, newest first, after filtering).
 * BuildKit compares whole seconds of its own clock: the time is taken a minute early for a daemon whose clock
 * runs behind ours, and records of other builds are left out by ref. `>`, not `>=`: buildx 0.29 reads
 * `startedAt>=…` as the key `startedAt>` and refuses it ("unsupported filter").
 */
export const getHistoryListCommand = (builder: BuilderRef, since?: Date): string[] =>
  buildx(builder, 'history', 'ls', '--format', 'json', ...(since ? ['--filter', `startedAt>${historyTime(since)}`] : []));

const HISTORY_CLOCK_SKEW_MS = 60_000;
/** RFC 3339 in whole seconds, as buildx's startedAt filter reads it. */
const historyTime = (since: Date) =>
  new Date(Math.floor((since.getTime() - HISTORY_CLOCK_SKEW_MS) / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export const getBuilderInspectCommand = (name: string, bootstrap: boolean): string[] => [
  'buildx',
  'inspect',
  ...(bootstrap ? ['--bootstrap'] : []),
  name,
];

/** Driver options by key, as buildx's csvToMap reads `--driver-opt` (a value with a comma is quoted). */
export type DriverOpts = Readonly<Record<string, string>>;

export interface BuilderCreateInput {
  name: string;
  driver: string;
  driverOpts: DriverOpts;
  /** Pinned with `--platform`; empty lets BuildKit detect what it can run. */
  platforms: readonly string[];
  buildkitdConfigFile?: string;
  /** A Docker context or host (docker-container), a BuildKit address (remote); kubernetes takes none. */
  endpoint?: string;
}

const driverOptArgs = (opts: DriverOpts) => Object.entries(opts).flatMap(([key, value]) => ['--driver-opt', csvPair(key, value)]);

/**
 * `buildx create` of the first node (commands/create.go): the node is named `<name>0` by buildx, and pinned
 * to platforms only when other nodes take the rest.
 */
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
  driverOpts: DriverOpts;
  platforms: readonly string[];
  buildkitdConfigFile?: string;
  endpoint?: string;
}

/**
 * Adds a node to an existing builder (`create --append --node`): it takes the builder's driver, its own
 * driver options and config, and its endpoint must differ from every other node's (buildx refuses a
 * duplicate). A platform pinned here is unpinned from the other nodes, so bake sends it here only.
 */
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
  ...(input.endpoint ? [input.endpoint] : []),
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

export interface ImagetoolsCreateInput {
  tags: readonly string[];
  /** Images (by digest) whose manifests the list joins. */
  sources: readonly string[];
}

/** Joins digests pushed by several runners into one manifest list carrying every tag. */
export const getImagetoolsCreateCommand = ({ tags, sources }: ImagetoolsCreateInput): string[] => [
  'buildx',
  'imagetools',
  'create',
  ...tags.flatMap((t) => ['--tag', t]),
  ...sources,
];
