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
 * anything taken from another stage or an image, a stage that reads the target platform or asks the machine what
 * it is, Prisma (its generated client holds an engine for the machine it ran on), a server build that carries
 * traced node_modules (Next's standalone), copies of the image's system files, copies that could hold what any
 * install of the stage wrote (other than the project install's node_modules, alone), and a stage that runs
 * tools with the node_modules it copies (a test stage: it would miss the dev dependencies).
 */
import { posix } from 'node:path';
import type { DockerfileInstruction } from '../../../lib/dockerfile/instructions';
import { globRegExp, WILDCARD } from '../../../lib/dockerfile/copy-operands';
import { runMounts } from '../../../lib/dockerfile/run-mounts';
import { docLink } from '../../../lib/core/docs';
import { isNxBuild } from '../../../lib/advisor/heavy-steps';
import { isNodeInstall, type NodeContext } from './node/node-step';
import { installsProject } from './node/install-runs';
import { chainOf, copiedFrom, installDirsAt, refersTo, TARGET_ARGS, TRACED } from './whole-stage';
import { planDepsStage } from './nx-deps-stage';
import { parseRunCommands, unwrapEnv } from '../../../lib/advisor/run-commands';
import { advanceState, initialState } from './stage-facts';
import { afterCd } from './image-paths';
import { commandName } from './shell-effects';

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
// In shell or exec form, or through a node_modules/.bin path.
const RUNS_NODE_TOOLS = /(^|[\s;&|("'[,])(node|npm|npx|pnpm|pnpx|yarn|bun|bunx|nx)(["'\s,\]]|$)|node_modules\/\.bin\//;
// The image's system, where a package manager or a download puts binaries for the machine it runs on.
const SYSTEM = /^\/(usr|bin|sbin|lib|lib32|lib64|libx32|opt)(\/|$)/;
// A RUN that asks the machine it runs on what it is: on the build machine it would answer for that one.
const READS_MACHINE = /\buname\b|\$\(arch\)|`arch`|--print-arch(itecture)?\b/;
const INSTALLS = /^(ci|install|i|add)$/;
const label = (stage: StageShape) => (stage.name ? `'${stage.name}'` : String(stage.index));
const nxLinesOf = (steps: ReadonlyArray<{ line: number; tool: string }>) =>
  new Set(steps.filter((s) => isNxBuild(s.tool)).map((s) => s.line));
// The stages and images a RUN mounts from.
const mountsFrom = (instruction: DockerfileInstruction, escape: string) =>
  instruction.keyword === 'RUN' ? runMounts(instruction.args, escape).flatMap((m) => (m.from === undefined ? [] : [m.from])) : [];

/**
 * Where every install of the stage runs (npm/pnpm/yarn/bun ci, install, add, whatever its flags; a bare `yarn`;
 * not a global tool's):
 * undefined for one whose folder is not known. Broader than the advisor, which leaves out light installs.
 */
function installFolders(stage: StageShape, lines: readonly string[], escape: string): Array<{ line: number; dir: string | undefined }> {
  const found: Array<{ line: number; dir: string | undefined }> = [];
  let state = initialState(stage.image);
  for (const { instruction } of stage.body) {
    if (instruction.keyword === 'RUN') {
      let cwd = state.workdir;
      for (const words of parseRunCommands(instruction, lines, escape).map(unwrapEnv)) {
        const name = commandName(words);
        if (name === 'cd') cwd = afterCd(cwd, words[1]);
        else if (
          ['npm', 'pnpm', 'yarn', 'bun'].includes(name) &&
          (INSTALLS.test(words[1] ?? '') || (name === 'yarn' && words.length === 1)) &&
          // A global tool's install puts nothing in the project's folders.
          !words.some((w) => w === '-g' || w === '--global' || w === '--location=global')
        )
          found.push({ line: instruction.line, dir: cwd && posix.isAbsolute(cwd) ? posix.normalize(cwd) : undefined });
      }
    }
    state = advanceState(state, instruction, escape);
  }
  return found;
}

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

/**
 * `deps` when the COPY takes the one project install's node_modules alone (`nodeModules`); `keep` when it takes
 * nothing an install wrote nor the image's system; else why it is refused.
 */
function judgeCopy(
  paths: readonly string[],
  nodeModules: string | undefined,
  installDirs: readonly string[],
  line: number,
): 'deps' | 'keep' | string {
  const traced = paths.find((p) => TRACED.test(p));
  if (traced) return `line ${line} copies ${traced}, a server build that carries node_modules traced on the machine that built it`;
  const clean = paths.map((p) => p.replace(/\/+$/, '') || '/');
  if (nodeModules !== undefined && clean.includes(nodeModules))
    return clean.length === 1 ? 'deps' : `line ${line} copies node_modules with other paths: give node_modules a COPY of its own`;
  const system = clean.find((p) => SYSTEM.test(p));
  if (system)
    return `line ${line} copies ${system}, a file of the image's system, which on the build machine is built for the build machine`;
  const held = clean.find((p) => MODULES.test(p) || installDirs.some((dir) => reachesModules(p, dir)));
  if (held === undefined) return 'keep';
  return MODULES.test(held)
    ? `line ${line} copies ${held}, node_modules installed on the build machine`
    : `line ${line} copies ${held}, which holds node_modules installed on the build machine: copy the build's output and node_modules apart`;
}

/** The stages that use what `consumer` holds: itself, those built FROM it, and those that copy its node_modules. */
function usersOf(consumer: StageShape, stages: readonly StageShape[], escape: string): StageShape[] {
  const chain = chainOf(consumer, stages);
  const copying = stages.filter(
    (s) =>
      !chain.includes(s) &&
      s.body.some(({ instruction }) => chain.some((m) => copiedFrom(instruction, m, escape)?.some((p) => MODULES.test(p)))),
  );
  return [...chain, ...copying];
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
  // What the stage takes from another stage or an image is built or pulled for the target, and would run on the
  // build machine.
  const foreign = stage.body.find(
    ({ instruction }) =>
      (instruction.keyword === 'COPY' && /(^|\s)--from=/i.test(instruction.args)) || mountsFrom(instruction, escape).length > 0,
  );
  if (foreign)
    return `line ${foreign.instruction.line} takes files from another stage or image, built for the target: the nx build would run with the target's: ${BY_HAND}`;
  const machine = stage.body.find((s) => s.instruction.keyword === 'RUN' && READS_MACHINE.test(s.instruction.args));
  if (machine)
    return `line ${machine.instruction.line} asks the machine what it is, which on the build machine answers for the build machine`;

  const folders = installFolders(stage, lines, escape);
  const unknown = folders.find((f) => f.dir === undefined);
  const installDirs = folders.flatMap((f) => (f.dir === undefined ? [] : [f.dir]));
  const installs = stage.body.filter((s) => installsProject(s.instruction, lines, escape));
  // The one project install whose node_modules a later stage may take from the deps stage instead.
  const [installDir] =
    installs.length === 1 && folders.length === 1 ? installDirsAt(stage, new Set([installs[0].instruction.line]), lines, escape) : [];
  const nodeModules = installDir === undefined ? undefined : posix.join(installDir, 'node_modules');
  const redirected = new Set<number>();
  let copied = false;
  for (const consumer of stages.filter((s) => s.index > stage.index)) {
    for (const [k, { instruction }] of consumer.body.entries()) {
      if (mountsFrom(instruction, escape).some((ref) => refersTo(stage, ref))) return `line ${instruction.line} mounts the stage`;
      const paths = copiedFrom(instruction, stage, escape);
      if (paths === undefined) continue;
      copied = true;
      if (unknown)
        return `line ${unknown.line} installs where this rewrite cannot tell (no absolute WORKDIR), so what line ${instruction.line} copies could hold it`;
      const verdict = judgeCopy(paths, nodeModules, installDirs, instruction.line);
      if (verdict === 'keep') continue;
      // Without one install whose folder is known, the deps stage's own reason says why.
      if (nodeModules === undefined && paths.some((p) => MODULES.test(p)))
        return `${planDepsStage(stage, nxLinesOf(steps), lines, escape, facts.context) as string} (line ${instruction.line} copies its node_modules into a stage built per target)`;
      if (verdict !== 'deps') return verdict;
      // Production dependencies only: a stage that builds, tests or runs scripts with them would miss the rest.
      const runs = [
        consumer.body.slice(k + 1),
        ...usersOf(consumer, stages, escape)
          .slice(1)
          .map((u) => u.body),
      ].flat();
      const uses = runs.find((s) => s.instruction.keyword === 'RUN' && RUNS_NODE_TOOLS.test(s.instruction.args));
      if (uses)
        return `line ${uses.instruction.line} runs \`${uses.instruction.args.trim()}\` with the node_modules line ${instruction.line} copies, which would hold production dependencies only`;
      redirected.add(instruction.line);
    }
  }
  if (!copied)
    return `no later stage copies from it: the image is the stage that builds, and its runtime stage is yours to write: ${BY_HAND}`;

  const moves = `the stage runs once, on the build machine: the install with dev dependencies and the nx build; what leaves it is the build's output, JavaScript`;
  if (redirected.size === 0) return { stage: stage.index, notes: [moves] };

  const plan = planDepsStage(stage, nxLinesOf(steps), lines, escape, facts.context);
  if (typeof plan === 'string') return `${plan} (line ${[...redirected][0]} copies its node_modules into a stage built per target)`;
  const name = facts.name(`${stage.name ?? `stage${stage.index}`}-deps`);
  const into = [...redirected].map((line) => `line ${line}`).join(', ');
  return {
    stage: stage.index,
    deps: { name, last: plan.last, install: plan.install, copies: redirected },
    notes: [
      moves,
      plan.pruned
        ? `node_modules (${into}) now come from '${name}', which installs the production dependencies for each target: the same packages the stage kept after its prune, built for the target`
        : `node_modules (${into}) now come from '${name}', which installs the production dependencies for each target: the image no longer holds the dev dependencies it copied from ${label(stage)}`,
    ],
  };
}
