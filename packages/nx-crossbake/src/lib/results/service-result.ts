import type { BuildCheck } from '../docker/build-checks';

/** What became of one project in a run. */
export type ServiceStatus =
  /**
   * Built, and pushed/loaded/exported as configured: confirmed by the bake metadata file, and for a task baked
   * under its key tag by the registry, where its tags were read back on that digest.
   */
  | 'built'
  /** Not built: the registry has a complete image of its content key, and its tags were pointed at it. */
  | 'reused'
  /** Its own bake target failed. */
  | 'failed'
  /** Bake is fail-fast: another target failed first, so nothing about this one is confirmed. */
  | 'cancelled'
  /** Never sent to bake: its options, inputs or the engine were not fit to build it. */
  | 'invalid'
  /** Dry run: in the bake file that was printed, nothing built. */
  | 'planned';

/**
 * Where a failed build broke, as buildx reported it: read from its plain progress by `parseBakeFailure`
 * (lib/results/failures.ts), which never takes a cache import that found no cache for the cause.
 */
export interface FailureCause {
  /** The step that failed, as buildx names it without target and platform: `[2/2] COPY app /app`, `[internal] load metadata for …`. */
  step?: string;
  /** The Dockerfile stage of that step, when it has a name buildx shows (`builder`, `stage-1`). */
  stage?: string;
  /** The platform that step ran for, when buildx names one (`linux/arm64`). */
  platform?: string;
  /** The Dockerfile as buildx names it (its base name: `Dockerfile`, `api.Dockerfile`). */
  file?: string;
  /** The first line of the instruction buildx points at in `file`. */
  line?: number;
  /** The instruction's lines as the Dockerfile has them (the ones buildx marks `>>>`). */
  source?: string[];
  /** buildx's error, without its `ERROR: target <name>: ` prefix: `failed to solve: …`. */
  message: string;
}

/** One finding of a Dockerfile build check (buildx's `--call=check` rules), in the task's Dockerfile. */
export interface CheckFinding extends BuildCheck {
  /** The Dockerfile, workspace-relative. */
  file: string;
}

/** The cosign signature of a task's pushed manifest list (the `sign` option). */
export interface SignatureResult {
  /** cosign verify found a signature of the task's key (or keyless identity) on every ref after signing. */
  signed: boolean;
  /** What was signed and verified: `<repository>@<digest>`, one per repository the task pushes to. */
  refs: string[];
  /** Signatures this run added: none when the image had one of this key already (a reused image, say). */
  added: number;
  /** Why it is not signed. */
  error?: string;
}

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
  /** Digest of the manifest list (or image) built, or reused: what every requested tag was confirmed to point at. */
  digest?: string;
  /** True when the image was not built because the registry had it (status `reused`). */
  reused?: boolean;
  /** The content key the image was looked up by (see docs/reuse.md). */
  contentKey?: string;
  /** Why the image was not looked up by a key although it pushes (an input the key cannot pin down, a registry that did not answer). */
  reuseOff?: string;
  /** Build time of this target as buildx recorded it; the whole bake's time when that is unknown. */
  durationMs?: number;
  /** For failed, cancelled and invalid: what happened, with the last lines of buildx's error. */
  error?: string;
  /** For failed: the cause in `error`, as fields (step, platform, Dockerfile line, buildx's error). */
  failure?: FailureCause;
  /** Build-check findings for its Dockerfile (`check: warn` reports them, `check: error` fails on them). */
  checks?: CheckFinding[];
  /** For tasks with `sign`, once pushed: whether the manifest list is signed, and where. */
  signature?: SignatureResult;
  bakeFile?: string;
}

/** The statuses that fail the task in Nx, and in the CI's reports. */
export const isFailing = (status: ServiceStatus) => status === 'failed' || status === 'invalid' || status === 'cancelled';
