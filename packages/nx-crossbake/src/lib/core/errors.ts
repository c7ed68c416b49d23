/** A problem the user can fix, found before anything is built; the message says what and how. */
export class CrossbakeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrossbakeError';
  }
}

/** Every problem with one project's options, reported together so one run shows them all. */
export class InvalidOptionsError extends CrossbakeError {
  constructor(
    readonly project: string,
    readonly problems: string[],
  ) {
    super(`project '${project}' has invalid docker-multiarch options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidOptionsError';
  }
}

/** A docker command exited non-zero: carries the argv, the exit code and the end of stderr. */
export class DockerCommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number,
    readonly stderrTail: string,
  ) {
    super(`\`${argv.join(' ')}\` exited with code ${exitCode}${stderrTail ? `:\n${stderrTail}` : ''}`);
    this.name = 'DockerCommandError';
  }
}

/** Errors that describe the user's situation and are reported as such; anything else is a bug to surface. */
export const isReportable = (e: unknown): e is CrossbakeError | DockerCommandError => e instanceof CrossbakeError || e instanceof DockerCommandError;
