import { DEFAULT_TARGET, splitTaskId } from './executor-names';

/**
 * The one root of every error we raise: a problem the user can fix, whose message says what and how. Anything
 * that is not one is a bug, and surfaces with its stack.
 */
export class CrossbakeError extends Error {
  /** The Nx task it belongs to, when it belongs to one (`<project>:<target>`). */
  readonly task?: string;

  constructor(message: string, options: { task?: string } = {}) {
    super(message);
    this.name = 'CrossbakeError';
    if (options.task !== undefined) this.task = options.task;
  }
}

/** Every problem with one project's options, reported together so one run shows them all. */
export class InvalidOptionsError extends CrossbakeError {
  constructor(
    readonly project: string,
    readonly problems: string[],
    task?: string,
  ) {
    super(
      `project '${project}' has invalid ${(task && splitTaskId(task).target) || DEFAULT_TARGET} options:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { task },
    );
    this.name = 'InvalidOptionsError';
  }
}

/** A docker command exited non-zero: carries the argv, the exit code and the end of stderr. */
export class DockerCommandError extends CrossbakeError {
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number,
    readonly stderrTail: string,
  ) {
    super(`\`${argv.join(' ')}\` exited with code ${exitCode}${stderrTail ? `:\n${stderrTail}` : ''}`);
    this.name = 'DockerCommandError';
  }
}

/**
 * bake was sent to a builder that is not there as addressed (gone, or now of another driver): what a stale
 * readiness record can hide, so the caller sets the builder up again and bakes once more.
 */
export class BuilderMissingError extends CrossbakeError {
  constructor(
    readonly builder: string,
    /** The command as the user would name it (`docker buildx bake`, with the docker binary that ran). */
    command: string,
    stderrTail: string,
  ) {
    super(
      `builder '${builder}' is not there as this run expected (\`${command}\` said: ${stderrTail}): run again, or set it up with its docker-setup target`,
    );
    this.name = 'BuilderMissingError';
  }
}

/** Errors that describe the user's situation and are reported as such; anything else is a bug to surface. */
export const isReportable = (e: unknown): e is CrossbakeError => e instanceof CrossbakeError;
