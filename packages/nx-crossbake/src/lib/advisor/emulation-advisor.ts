/**
 * The emulation advisor: when a platform is built under QEMU, every RUN in a stage that executes on the
 * target platform runs through the emulator. For compiles and native installs that is 2–50× slower than a
 * cross-compile and flaky on arm/v7, so we point at each such step and the cross-compile pattern for its tool.
 * Pure: it reads the Dockerfile's text; which platforms are emulated is probed elsewhere and passed in.
 */
import { docLink } from '../core/docs';
import { DEFAULT_TARGET, splitTaskId } from '../core/executor-names';
import { platformFamily } from '../docker/platforms';
import { parseDockerfileInstructions } from '../dockerfile/instructions';
import { crossCompileHint, detectHeavyTool, isNxBuild } from './heavy-steps';
import { parseRunCommands } from './run-commands';
import { parseStage, type Stage, type StagePlatform } from './stage-platform';

export interface EmulationAdvice {
  /** 1-based line of the RUN instruction. */
  line: number;
  /** The stage's `AS` name (lower-cased), or its index when it has none. */
  stage: string;
  /** What was found, e.g. `go build`, `npm ci`, `make`, `pip install`. */
  tool: string;
  /** The RUN's arguments, white space collapsed, cut to about 80 characters. */
  instruction: string;
  /** The cross-compile pattern for the tool. */
  hint: string;
  /** For an nx build: a later stage copies from its stage, so the generator can split it (it reads the rest). */
  copiedFrom?: boolean;
}

const INSTRUCTION_WIDTH = 80;
const TROUBLESHOOTING = docLink('builder.md', 'troubleshooting');

// One emulator runs every variant (platformFamily), so a stage pinned to arm/v6 is emulated when arm/v7 is.
function isEmulated(platform: StagePlatform, emulatedFamilies: ReadonlySet<string>): boolean {
  if (platform.kind === 'build') return false;
  // A stage pinned to a platform that is not emulated runs natively (or is not built here at all).
  if (platform.kind === 'pinned') return emulatedFamilies.has(platformFamily(platform.platform));
  return emulatedFamilies.size > 0;
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= INSTRUCTION_WIDTH ? flat : `${flat.slice(0, INSTRUCTION_WIDTH - 1)}…`;
}

/**
 * One piece of advice per heavy tool per RUN, in Dockerfile order, for every stage that runs on an emulated
 * platform. Stages FROM `--platform=$BUILDPLATFORM` (or FROM such a stage) run natively and are skipped.
 */
export function adviseOnEmulation(dockerfile: string, emulatedPlatforms: readonly string[]): EmulationAdvice[] {
  if (emulatedPlatforms.length === 0) return [];
  const emulatedFamilies = new Set(emulatedPlatforms.map(platformFamily));
  const { escape, instructions } = parseDockerfileInstructions(dockerfile);
  const lines = dockerfile.replace(/^\uFEFF/, '').split(/\r?\n/);
  const stages: Stage[] = [];
  const advice: EmulationAdvice[] = [];
  // `COPY --from=<stage>` references, lower-cased as BuildKit compares stage names, with the stage each is read in.
  const copies: Array<{ ref: string; in: number }> = [];
  const stageOf = new Map<EmulationAdvice, number>();

  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      stages.push(parseStage(instruction.args, stages.length, escape, stages));
      continue;
    }
    const stage = stages.at(-1);
    const from = instruction.keyword === 'COPY' ? /(?:^|\s)--from=["']?([^\s"']+)/i.exec(instruction.args)?.[1] : undefined;
    if (from !== undefined) copies.push({ ref: from.toLowerCase(), in: stages.length - 1 });
    if (instruction.keyword !== 'RUN' || stage === undefined || !isEmulated(stage.platform, emulatedFamilies)) continue;

    const tools = new Set(parseRunCommands(instruction, lines, escape).map(detectHeavyTool));
    for (const tool of tools) {
      if (tool === undefined) continue;
      advice.push({
        line: instruction.line,
        stage: stage.name,
        tool,
        instruction: shorten(instruction.args),
        hint: crossCompileHint(tool),
      });
      stageOf.set(advice.at(-1)!, stages.length - 1);
    }
  }
  for (const a of advice) {
    const index = stageOf.get(a)!;
    if (isNxBuild(a.tool)) a.copiedFrom = copies.some((c) => c.in > index && (c.ref === a.stage || c.ref === String(index)));
  }
  return advice;
}

/** A warning for the build log; empty when there is nothing to say. `taskId` is the Nx task, e.g. `api:docker-multiarch`. */
export function formatEmulationAdvice(taskId: string, platforms: readonly string[], advice: readonly EmulationAdvice[]): string {
  if (advice.length === 0) return '';
  const steps = advice.length === 1 ? 'a step' : `${advice.length} steps`;
  return [
    `${taskId}: ${steps} will run under QEMU emulation for ${platforms.join(', ')}; compiling there is 2–50× slower than cross-compiling, and flaky on arm/v7:`,
    ...advice.map((a) => `  Dockerfile:${a.line} (${/^\d+$/.test(a.stage) ? `stage ${a.stage}` : a.stage}) ${a.tool}: ${a.hint}`),
    `  see ${TROUBLESHOOTING}`,
    ...fixCommands(taskId, advice),
  ].join('\n');
}

// What the cross-compile generator moves: Go compiles unless it finds a reason not to, npm/pnpm/yarn installs only
// when their lockfile proves node_modules the same on every platform (it decides; --dry-run shows what it would do).
// For the other tools it says why it cannot.
const GO_COMPILES = new Set(['go build', 'go install']);
const NODE_INSTALLS = new Set(['npm ci', 'npm install', 'pnpm install', 'yarn install']);

// Nx builds (heavy-steps.ts): the generator splits a stage a later one copies from; the image that is its own build
// stage needs a runtime stage only its owner can write, so the way is written down instead.
const NX_SPLIT = docLink('cross-compile.md', 'nx-builds-the-split');

/** The last lines: the generator that fixes what it can, for the task (`<project>:<target>[:<configuration>]`), and what it cannot. */
function fixCommands(taskId: string, advice: readonly EmulationAdvice[]): string[] {
  const { project, target } = splitTaskId(taskId);
  const command = `nx g nx-crossbake:cross-compile --project=${project}${target && target !== DEFAULT_TARGET ? ` --target=${target}` : ''}`;
  const nx = advice.filter((a) => isNxBuild(a.tool));
  // The generator splits the stage of an nx build a later stage copies from, its installs included.
  const split = new Set(nx.filter((a) => a.copiedFrom).map((a) => a.stage));
  const rest = advice.filter((a) => !isNxBuild(a.tool) && !(NODE_INSTALLS.has(a.tool) && split.has(a.stage)));
  const out: string[] = [];
  if (rest.some((a) => GO_COMPILES.has(a.tool))) out.push(`  to move the Go compiles to the build platform, run: ${command}`);
  else if (rest.some((a) => NODE_INSTALLS.has(a.tool)))
    out.push(
      `  to move the Node installs to the build platform where the lockfile proves node_modules the same on every platform, run: ${command} (add --dry-run to see what it would do first)`,
    );
  else if (rest.length > 0) out.push(`  to see which of these steps can move to the build platform, run: ${command} --dry-run`);
  if (split.size > 0)
    out.push(
      `  to split the stage of the nx build (the install and the build run once, on the build platform; node_modules a later stage copies install per target, production dependencies only), run: ${command} (add --dry-run to see what it would do first)`,
    );
  if (nx.some((a) => !a.copiedFrom))
    out.push(
      `  the nx build moves to the build platform with a split of its stage into a build stage and a runtime stage, by hand: ${NX_SPLIT}`,
    );
  return out;
}
