/** Pure argv builders for every docker command we run (`getXxxCommand`). */

const withBuilder = (builder: string | undefined) => (builder ? ['--builder', builder] : []);

export const getBuildxVersionCommand = (): string[] => ['buildx', 'version'];

/** The engine's storage driver status: tells whether the containerd image store is on. */
export const getDriverStatusCommand = (): string[] => ['info', '--format', '{{json .DriverStatus}}'];

export interface BakeCommandInput {
  bakeFile: string;
  metadataFile: string;
  builder?: string;
}

export const getBakeCommand = ({ bakeFile, metadataFile, builder }: BakeCommandInput): string[] => [
  'buildx',
  'bake',
  ...withBuilder(builder),
  '--file',
  bakeFile,
  '--metadata-file',
  metadataFile,
  // Plain progress: readable in CI logs, and it names the target of every step, which is how a failure
  // is traced back to its project.
  '--progress',
  'plain',
];

export const getHistoryListCommand = (builder: string | undefined): string[] => [
  'buildx',
  'history',
  'ls',
  ...withBuilder(builder),
  '--format',
  'json',
];
