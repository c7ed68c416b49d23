/**
 * Traces a failed bake back to its targets from buildx's plain progress. Every step header names its
 * target (`#12 [api 2/3] RUN make`), and bake ends with `ERROR: target api: <why>` for each target that failed.
 * Before that line buildx repeats the failed step (`------` / ` > [api linux/arm64 2/3] RUN make:` / its last
 * log lines / `------`) and points at the instruction (`Dockerfile:2`, the source lines around it, the failing
 * ones marked `>>>`). A bake of one target names none: its steps read `[2/3] RUN make`, its error `ERROR: failed
 * to solve: …`.
 *
 * A registry cache that is not there yet (the first run on a branch) is reported by BuildKit as a failed step,
 * `importing cache manifest from …`, that fails nothing: it is never taken for the cause.
 */
import type { FailureCause } from './service-result';

/** What one failed target gets: its report text, leading with the cause, and the cause as fields. */
interface TargetFailure {
  text: string;
  cause: FailureCause;
}

interface BakeFailure {
  /** Failed targets, by bake target name. */
  targets: Map<string, TargetFailure>;
  /** The failure of a bake of one target, which names no target, when buildx said where it broke (a step, a line). */
  only?: TargetFailure;
  /** The end of the output, for failures that name no target (a bad bake file, a dead builder). */
  general: string;
}

const ERROR_LINE = /^ERROR: (?:target ([a-zA-Z0-9_-]+): )?(.*)$/;
const STEP_HEADER = /^#(\d+) \[([^\]]*)\] (.*)$/;
const STEP_LINE = /^#(\d+) /;
const REPEATED_STEP = /^ > (?:\[([^\]]*)\] )?(.*):$/;
const SOURCE_HEADER = /^(\S.*):(\d+)$/;
const SOURCE_RULE = /^-{20}$/;
const SOURCE_LINE = /^\s*(\d+) \| (>>>| {3}) ?(.*)$/;
const PLATFORM = /^[a-z][a-z0-9]*\/[a-z0-9_]+(\/[a-z0-9.]+)?$/;
const NOISE = /^importing cache manifest from /;

/** A step label as buildx prints it (`copy-missing stage-1 linux/arm64 2/2`), split into its parts. */
function readLabel(label: string, named: boolean): { target?: string; platform?: string; rest: string[] } {
  const words = label.split(' ').filter(Boolean);
  const target = named ? words.shift() : undefined;
  const platform = words.find((w) => PLATFORM.test(w));
  return { target, platform, rest: words.filter((w) => w !== platform) };
}

interface Step {
  target?: string;
  platform?: string;
  /** As buildx names it without target and platform: `[stage-1 1/1] COPY a /a`. */
  step: string;
  stage?: string;
  /** The step's header in the progress, to find its own lines there. */
  header: string;
}

function readStep(label: string | undefined, instruction: string, named: boolean): Step {
  const { target, platform, rest } = readLabel(label ?? '', named);
  const stage = rest.find((w) => w !== 'internal' && !/^\d+\/\d+$/.test(w));
  return {
    target,
    platform,
    stage,
    step: rest.length > 0 ? `[${rest.join(' ')}] ${instruction}` : instruction,
    header: `[${label ?? ''}] ${instruction}`,
  };
}

/** The lead of a failed task's report: where it broke, then buildx's error. */
function describe(cause: FailureCause, errorLine: string): string[] {
  const where = [
    cause.file && cause.line !== undefined && `${cause.file}:${cause.line}`,
    cause.step,
    cause.platform && `(${cause.platform})`,
  ]
    .filter(Boolean)
    .join(' ');
  const source = (cause.source ?? []).map((text, i) => `  ${cause.line! + i} | ${text}`);
  return [...(where ? [`failed at ${where}`] : []), ...source, errorLine];
}

/** A failure buildx said the place of (a step, a Dockerfile line); a bake-wide one (a bad bake file) has neither. */
const located = (failure: TargetFailure | undefined) =>
  failure && (failure.cause.step !== undefined || failure.cause.file !== undefined) ? failure : undefined;

export function parseBakeFailure(stderr: string, linesPerTarget = 12): BakeFailure {
  const lines = stderr.split('\n');
  // Unprefixed errors and labels: a bake of one target.
  const named = lines.some((l) => /^ERROR: target /.test(l));

  const headers = new Map<string, string>();
  for (const line of lines) {
    const header = line.match(STEP_HEADER);
    if (header) headers.set(header[1], `[${header[2]}] ${header[3]}`);
  }
  /** The header of the step a progress line belongs to (`#8 …` → `[api 2/2] COPY a /a`). */
  const headerOf = (line: string) => headers.get(line.match(STEP_LINE)?.[1] ?? '');
  const targetOfHeader = (header: string) => (named ? header.slice(1).split(/[ \]]/)[0] : undefined);
  const isNoise = (header: string) => NOISE.test(header.slice(header.indexOf('] ') + 2));

  const failures = new Map<string | undefined, TargetFailure>();
  const lastStep = new Map<string | undefined, Step>();
  let source: { file: string; line?: number; lines: string[] } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const repeated = lines[i - 1] === '------' ? line.match(REPEATED_STEP) : null;
    if (repeated) {
      const step = readStep(repeated[1], repeated[2], named);
      if (!NOISE.test(repeated[2])) lastStep.set(step.target, step);
      continue;
    }
    const file = SOURCE_RULE.test(lines[i + 1] ?? '') ? line.match(SOURCE_HEADER) : null;
    if (file) {
      source = { file: file[1], lines: [] };
      for (i += 2; i < lines.length && !SOURCE_RULE.test(lines[i]); i++) {
        const marked = lines[i].match(SOURCE_LINE);
        if (marked?.[2] !== '>>>') continue;
        source.line ??= Number(marked[1]);
        source.lines.push(marked[3].trimEnd());
      }
      continue;
    }
    const error = line.match(ERROR_LINE);
    if (!error || (named && error[1] === undefined)) continue;
    const target = error[1];
    const step = lastStep.get(target);
    const cause: FailureCause = {
      ...(step && { step: step.step, platform: step.platform, stage: step.stage }),
      ...(source && { file: source.file, line: source.line, source: source.lines }),
      message: error[2],
    };
    // Its own lines: those of the failed step when buildx repeated it, else of every step of the target but the noise.
    const own = lines.filter((l) => {
      const header = headerOf(l);
      if (header === undefined) return false;
      return step ? header === step.header : targetOfHeader(header) === target && !isNoise(header);
    });
    failures.set(target, { cause, text: [...describe(cause, line), ...own.slice(-linesPerTarget)].join('\n') });
    source = undefined;
  }

  return {
    targets: new Map([...failures].filter((entry): entry is [string, TargetFailure] => entry[0] !== undefined)),
    only: located(failures.get(undefined)),
    general: lines
      .filter((l) => l.trim() && !(l.startsWith('#') && isNoise(headerOf(l) ?? '')))
      .slice(-linesPerTarget)
      .join('\n'),
  };
}
