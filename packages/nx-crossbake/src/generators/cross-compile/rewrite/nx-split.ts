/**
 * The Nx build split: a stage that installs the workspace's dependencies and runs `nx build` moves whole to
 * the build machine, where the build runs natively once, because what later stages take from it is the build's
 * output, JavaScript, the same for every platform. What could differ per platform is node_modules: a later
 * stage that copied the build stage's node_modules gets them instead from a new stage, `<stage>-deps`, built
 * per target (nx-deps-stage.ts), which installs production dependencies only (what a server needs; the dev
 * dependencies were the build's). Nothing else of the build stage reaches it, so a secret the install read (an
 * .npmrc) stays in stages that are never exported, as before.
 *
 * It refuses where the Dockerfile does not show the split safe: a stage that is its own image (nothing is copied
 * from it: the runtime stage would have to be written), a chain (FROM an earlier stage, or a later one FROM it),
 * anything taken from a stage built per target, a stage that reads the target platform, Prisma (its generated
 * client holds an engine for the machine it ran on), a server build that carries traced node_modules (Next's
 * standalone), copies that take node_modules with other files or only part of it, and a stage that runs tools
 * with the node_modules it copies (a test stage: it would miss the dev dependencies).
 */
import { posix } from 'node:path';
import type { DockerfileInstruction } from '../../../lib/dockerfile/instructions';
import { globRegExp, WILDCARD } from '../../../lib/dockerfile/copy-operands';
import { docLink } from '../../../lib/core/docs';
import { isNxBuild } from '../../../lib/advisor/heavy-steps';
import { isNodeInstall, type NodeContext } from './node/node-step';
import { installsProject } from './node/install-runs';
import { chainOf, copiedFrom, installDirsAt, refersTo, TARGET_ARGS, TRACED } from './whole-stage';
import { planDepsStage } from './nx-deps-stage';

interface StageShape {
  index: number;
  name?: string;
  image: string;
  body: ReadonlyArray<{ instruction: DockerfileInstruction }>;
}

export interface NxSplit {
  /** The stage that moves to the build platform, whole. */
  stage: number;
  /** The per-target stage of production dependencies, when a later stage copied the build stage's node_modules. */
  deps?: {
    name: string;
    /** Body positions of the build stage it repeats: every one up to the install, which it runs as `install`. */
    last: number;
    /** The install's lines with the flag that leaves out dev dependencies. */
    install: (lines: readonly string[]) => string[];
    /** 1-based lines of the COPY instructions that now take node_modules from it. */
    copies: ReadonlySet<number>;
  };
  /** What the split changes in the image, for the user to read. */
  notes: string[];
}

const NX_SPLIT_DOC = docLink('cross-compile.md', 'nx-builds-the-split');
const BY_HAND = `split it by hand: ${NX_SPLIT_DOC}`;
const MODULES = /(^|\/)node_modules(\/|$)/;
// A RUN that needs the dev dependencies a copied node_modules held: a build, a test, a script.
const RUNS_NODE_TOOLS = /(^|[\s;&|(])(node|npm|npx|pnpm|pnpx|yarn|bun|bunx|nx)(\s|$)/;
const label = (stage: StageShape) => (stage.name ? `'${stage.name}'` : String(stage.index));
const nxLinesOf = (steps: ReadonlyArray<{ line: number; tool: string }>) =>
  new Set(steps.filter((s) => isNxBuild(s.tool)).map((s) => s.line));
const mountsFrom = (instruction: DockerfileInstruction) =>
  instruction.keyword === 'RUN' ? [...instruction.args.matchAll(/--mount=\S*?from=([^,\s]+)/gi)].map((m) => m[1]) : [];

/**
 * Whether a path copied from the build stage may hold node_modules the install wrote: the path is in it, or
 * above it; a wildcard matches toward it.
 */
function reachesModules(path: string, installDir: string): boolean {
  if (MODULES.test(path)) return true;
  const parts = path.split('/');
  const wild = parts.findIndex((part) => WILDCARD.test(part));
  if (wild < 0) return installDir === path || installDir.startsWith(`${path.replace(/\/$/, '')}/`);
  // Only the last part a wildcard: it takes the folder's entries that match it.
  if (wild < parts.length - 1) return true;
  const dir = parts.slice(0, wild).join('/') || '/';
  const toward =
    dir === installDir
      ? 'node_modules'
      : installDir.startsWith(`${dir.replace(/\/$/, '')}/`)
        ? installDir.slice(dir.length).replace(/^\//, '').split('/')[0]
        : undefined;
  return toward !== undefined && globRegExp(parts[wild]).test(toward);
}

/** `deps` when the COPY takes the install's node_modules alone; `keep` when it takes none; else why it is refused. */
function judgeCopy(paths: readonly string[], nodeModules: string, installDir: string | undefined, line: number): 'deps' | 'keep' | string {
  const traced = paths.find((p) => TRACED.test(p));
  if (traced) return `line ${line} copies ${traced}, a server build that carries node_modules traced on the machine that built it`;
  const clean = paths.map((p) => p.replace(/\/+$/, '') || '/');
  if (installDir !== undefined && clean.includes(nodeModules))
    return clean.length === 1 ? 'deps' : `line ${line} copies node_modules with other paths: give node_modules a COPY of its own`;
  const held = clean.find((p) => (installDir === undefined ? MODULES.test(p) : reachesModules(p, installDir)));
  if (held === undefined) return 'keep';
  return MODULES.test(held)
    ? `line ${line} copies ${held}, node_modules installed on the build machine`
    : `line ${line} copies ${held}, which holds node_modules installed on the build machine: copy the build's output and node_modules apart`;
}

/**
 * The split of `stage`, whose flagged `steps` include an nx build, or why it is refused. `name`: a free stage
 * name from a wanted one.
 */
export function nxBuildSplit(
  stage: StageShape,
  stages: readonly StageShape[],
  steps: ReadonlyArray<{ line: number; tool: string }>,
  lines: readonly string[],
  escape: string,
  facts: { context?: NodeContext; name: (wanted: string) => string },
): NxSplit | string {
  const other = steps.find((s) => !isNxBuild(s.tool) && !isNodeInstall(s.tool));
  if (other) return `line ${other.line} (${other.tool}) is in the stage too, and the split moves the whole stage`;
  if (stages.some((s) => s.index < stage.index && refersTo(s, stage.image)))
    return `the stage is built FROM the earlier stage '${stage.image}', whose platform it takes: ${BY_HAND}`;
  const chain = chainOf(stage, stages);
  if (chain.length > 1) return `stage ${label(chain[1])} is built FROM it, so it would move too: ${BY_HAND}`;
  const reads = stage.body.find((s) => TARGET_ARGS.test(s.instruction.args));
  if (reads) return `line ${reads.instruction.line} reads the target platform (TARGETARCH…)`;
  const prisma = stage.body.find((s) => s.instruction.keyword === 'RUN' && /\bprisma\b/.test(s.instruction.args));
  if (prisma)
    return `line ${prisma.instruction.line} runs Prisma, whose generated client holds a query engine for the machine it runs on: ${BY_HAND}`;
  // What the stage takes from a stage built per target would be the target's, on the build machine.
  const foreign = stage.body.find(
    ({ instruction }) =>
      stages.some((o) => o !== stage && copiedFrom(instruction, o, escape)?.some((p) => MODULES.test(p))) ||
      mountsFrom(instruction).some((ref) => stages.some((o) => o !== stage && refersTo(o, ref))),
  );
  if (foreign)
    return `line ${foreign.instruction.line} takes node_modules or files from another stage, built per target: the nx build would run with the target's: ${BY_HAND}`;

  const installs = stage.body.filter((s) => installsProject(s.instruction, lines, escape));
  const [installDir] = installs.length === 1 ? installDirsAt(stage, new Set([installs[0].instruction.line]), lines, escape) : [];
  const nodeModules = installDir === undefined ? '' : posix.join(installDir, 'node_modules');
  const redirected = new Map<number, StageShape>();
  let copied = false;
  for (const consumer of stages.filter((s) => s.index > stage.index)) {
    for (const [k, { instruction }] of consumer.body.entries()) {
      if (mountsFrom(instruction).some((ref) => refersTo(stage, ref))) return `line ${instruction.line} mounts the stage`;
      const paths = copiedFrom(instruction, stage, escape);
      if (paths === undefined) continue;
      copied = true;
      const verdict = judgeCopy(paths, nodeModules, installDir, instruction.line);
      if (verdict === 'keep') continue;
      // Without one install whose folder is known, the deps stage's own reason says why.
      if (installDir === undefined && paths.some((p) => MODULES.test(p)))
        return `${planDepsStage(stage, nxLinesOf(steps), lines, escape, facts.context) as string} (line ${instruction.line} copies its node_modules into a stage built per target)`;
      if (verdict !== 'deps') return verdict;
      // Production dependencies only: a stage that builds, tests or runs scripts with them would miss the rest.
      const uses = consumer.body.slice(k + 1).find((s) => s.instruction.keyword === 'RUN' && RUNS_NODE_TOOLS.test(s.instruction.args));
      if (uses)
        return `stage ${label(consumer)} runs \`${uses.instruction.args.trim()}\` (line ${uses.instruction.line}) with the node_modules it copies, which would hold production dependencies only`;
      redirected.set(instruction.line, consumer);
    }
  }
  if (!copied)
    return `no later stage copies from it: the image is the stage that builds, and its runtime stage is yours to write: ${BY_HAND}`;

  const moves = `the stage runs once, on the build machine: the install with dev dependencies and the nx build; what leaves it is the build's output, JavaScript`;
  if (redirected.size === 0) return { stage: stage.index, notes: [moves] };

  const plan = planDepsStage(stage, nxLinesOf(steps), lines, escape, facts.context);
  if (typeof plan === 'string') return `${plan} (line ${[...redirected.keys()][0]} copies its node_modules into a stage built per target)`;
  const name = facts.name(`${stage.name ?? `stage${stage.index}`}-deps`);
  const into = [...redirected.keys()].map((line) => `line ${line}`).join(', ');
  return {
    stage: stage.index,
    deps: { name, last: plan.last, install: plan.install, copies: new Set(redirected.keys()) },
    notes: [
      moves,
      plan.pruned
        ? `node_modules (${into}) now come from '${name}', which installs the production dependencies for each target: the same packages the stage kept after its prune, built for the target`
        : `node_modules (${into}) now come from '${name}', which installs the production dependencies for each target: the image no longer holds the dev dependencies it copied from ${label(stage)}`,
    ],
  };
}
