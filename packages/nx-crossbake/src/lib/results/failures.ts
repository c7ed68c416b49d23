/**
 * Traces a failed bake back to its targets from buildx's plain progress. Every step header names its
 * target (`#12 [api 2/3] RUN make`), and bake ends with `ERROR: target api: <why>` for each target that failed.
 */
interface BakeFailure {
  /** Failed targets, each with the last lines of its own steps and buildx's error line. */
  targets: Map<string, string>;
  /** The end of the output, for failures that name no target (a bad bake file, a dead builder). */
  general: string;
}

const TARGET_ERROR = /^ERROR: target ([a-zA-Z0-9_-]+): (.*)$/;
const STEP_HEADER = /^#(\d+) \[([a-zA-Z0-9_-]+)[ \]]/;
const STEP_LINE = /^#(\d+) /;

export function parseBakeFailure(stderr: string, linesPerTarget = 12): BakeFailure {
  const lines = stderr.split('\n');
  const stepTarget = new Map<string, string>();
  for (const line of lines) {
    const header = line.match(STEP_HEADER);
    if (header) stepTarget.set(header[1], header[2]);
  }

  const targets = new Map<string, string>();
  for (const line of lines) {
    const error = line.match(TARGET_ERROR);
    if (!error) continue;
    const [, target] = error;
    const own = lines.filter((l) => {
      const step = l.match(STEP_LINE);
      return step !== null && stepTarget.get(step[1]) === target;
    });
    targets.set(target, [...own.slice(-linesPerTarget), line].join('\n'));
  }
  return {
    targets,
    general: lines
      .filter((l) => l.trim())
      .slice(-linesPerTarget)
      .join('\n'),
  };
}
