/** What became of one project in a run. */
export type ServiceStatus =
  /** Built, and pushed/loaded/exported as configured: confirmed by the bake metadata file. */
  | 'built'
  /** Its own bake target failed. */
  | 'failed'
  /** Bake is fail-fast: another target failed first, so nothing about this one is confirmed. */
  | 'cancelled'
  /** Never sent to bake: its options, inputs or the engine were not fit to build it. */
  | 'invalid'
  /** Dry run: in the bake file that was printed, nothing built. */
  | 'planned';

export interface ServiceResult {
  /** The Nx task, e.g. `two:docker-multiarch-debug`: every result is one task's. */
  task: string;
  project: string;
  /** The task's target name; a project may have several multiarch targets. */
  targetName: string;
  status: ServiceStatus;
  /** Bake target name the project was built as. */
  bakeTarget?: string;
  platforms: string[];
  tags: string[];
  push: boolean;
  load: boolean;
  /** Digest of the manifest list (or image) built. */
  digest?: string;
  /** Build time of this target as buildx recorded it; the whole bake's time when that is unknown. */
  durationMs?: number;
  /** For failed, cancelled and invalid: what happened, with the last lines of buildx's error. */
  error?: string;
  bakeFile?: string;
}
