/**
 * The Nx build split: a stage that installs the workspace's dependencies and runs `nx build` moves whole to
 * the build machine, where the build runs natively once, because what later stages take from it is the build's
 * output, JavaScript, the same for every platform. What could differ per platform is node_modules: a later
 * stage that copied the build stage's node_modules gets them instead from a new stage, `<stage>-deps`, built
 * per target, that repeats the build stage's steps up to its install and installs production dependencies only
 * (what a server needs; the dev dependencies were the build's). Nothing else of the build stage reaches it, so a
 * secret the install read (an .npmrc) stays in stages that are never exported, as before.
 *
 * It refuses where the Dockerfile does not show the split safe: a stage that is its own image (nothing is copied
 * from it: the runtime stage would have to be written), a chain (FROM an earlier stage, or a later one FROM it),
 * node_modules taken from another stage, a stage that reads the target platform, Prisma (its generated client
 * holds an engine for the machine it ran on), a server build that carries traced node_modules (Next's
 * standalone), and copies that take node_modules with other files or only part of it.
 */
import { posix } from 'node:path';
import type { DockerfileInstruction } from '../../../lib/dockerfile/instructions';
import { docLink } from '../../../lib/core/docs';
import { parseRunCommands, unwrapEnv } from '../../../lib/advisor/run-commands';
import { detectHeavyTool, isNxBuild } from '../../../lib/advisor/heavy-steps';
import { readInstallCommand, type PackageManager } from './node/install-command';
import { isNodeInstall, LOCKFILES, type NodeContext } from './node/node-step';
import { contextSourceOf, type StageCopy } from './node/context-copies';
import { installsProject, nodeModulesEffect } from './node/install-runs';
import { advanceState, initialState } from './stage-facts';
import { headEnd } from './dockerfile-spans';
import { chainOf, copiedFrom, installDirsAt, refersTo, TARGET_ARGS, TRACED } from './whole-stage';

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
const label = (stage: StageShape) => (stage.name ? `'${stage.name}'` : String(stage.index));

// The flag each package manager takes to leave out dev dependencies (npm 6 predates --omit).
const PRODUCTION: Record<PackageManager, (npm6: boolean) => string> = {
  npm: (npm6) => (npm6 ? '--production' : '--omit=dev'),
  pnpm: () => '--prod',
  yarn: () => '--production',
};
const INSTALL_WORDS: Record<PackageManager, RegExp> = {
  npm: /(^|[\s;&|(])(npm\s+(?:ci|install|i))(?=[\s;&|)]|$)/g,
  pnpm: /(^|[\s;&|(])(pnpm\s+(?:install|i))(?=[\s;&|)]|$)/g,
  yarn: /(^|[\s;&|(])(yarn\s+install)(?=[\s;&|)]|$)/g,
};
const KEEPS_DEV = /^(--include=dev|--production=false|--prod=false|--dev|-D)$/;

/**
 * The install's lines with the production flag after its subcommand, or why that cannot be written: the
 * subcommand must be spelled out once in the RUN (`yarn` alone installs too, but there is nowhere to put it).
 */
function productionInstall(
  run: DockerfileInstruction,
  lines: readonly string[],
  escape: string,
  npm6: boolean,
  yarnLock: string | undefined,
): ((own: readonly string[]) => string[]) | string {
  const words = parseRunCommands(run, lines, escape)
    .map(unwrapEnv)
    .find((w) => isNodeInstall(detectHeavyTool(w) ?? ''));
  const install = words && readInstallCommand(words);
  if (!words || install === undefined || typeof install === 'string') return `line ${run.line}: its install is not one this rewrite reads`;
  if (words.some((w) => KEEPS_DEV.test(w))) return `line ${run.line} asks for dev dependencies by a flag`;
  if (install.manager === 'yarn' && (yarnLock === undefined || /^__metadata:/m.test(yarnLock)))
    return yarnLock === undefined
      ? `line ${run.line}: no yarn.lock of the build context reaches it, so it cannot tell Yarn 1 (which takes --production) from Yarn 2+ (which does not)`
      : `line ${run.line}: Yarn 2+ installs production dependencies with \`yarn workspaces focus --production\`, a plugin the Dockerfile does not show`;
  const pattern = INSTALL_WORDS[install.manager];
  const head = lines.slice(run.line - 1, headEnd(lines, run.line - 1, escape) + 1);
  if (head.filter((line) => line.match(pattern)).length !== 1 || (head.join(' ').match(pattern)?.length ?? 0) !== 1)
    return `line ${run.line}: write its install as one \`${install.manager} ${install.subcommand}\`, so the production flag has one place`;
  const flag = PRODUCTION[install.manager](npm6);
  return (text) => {
    let done = false;
    return text.map((line) =>
      done
        ? line
        : line.replace(pattern, (match, pre: string, command: string) => {
            if (done) return match;
            done = true;
            return `${pre}${command} ${flag}`;
          }),
    );
  };
}

/** Why a COPY from the build stage cannot stay or be redirected; `deps` when it takes the install's node_modules. */
function judgeCopy(paths: readonly string[], nodeModules: string, installDir: string, line: number): 'deps' | 'keep' | string {
  for (const path of paths) {
    const traced = TRACED.test(path);
    if (traced) return `line ${line} copies ${path}, a server build that carries node_modules traced on the machine that built it`;
  }
  const clean = paths.map((p) => p.replace(/\/+$/, '') || '/');
  if (clean.includes(nodeModules))
    return clean.length === 1 ? 'deps' : `line ${line} copies node_modules with other paths: give node_modules a COPY of its own`;
  for (const path of clean) {
    // Up to a wildcard, the folder the copy takes.
    const wild = path.split('/').findIndex((part) => /[*?[]/.test(part));
    const taken = wild < 0 ? path : path.split('/').slice(0, wild).join('/') || '/';
    if (MODULES.test(taken)) return `line ${line} copies ${path}, part of node_modules installed on the build machine`;
    if (installDir === taken || installDir.startsWith(`${taken.replace(/\/$/, '')}/`))
      return `line ${line} copies ${path}, which holds node_modules installed on the build machine: copy the build's output and node_modules apart`;
  }
  return 'keep';
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

  const installs = stage.body.filter((s) => installsProject(s.instruction, lines, escape));
  const first = stage.body.findIndex((s) => isNxBuild(steps.find((a) => a.line === s.instruction.line)?.tool));
  const beforeBuild = installs.filter((s) => stage.body.indexOf(s) < first);
  if (beforeBuild.length === 0) {
    const foreign = stage.body.find((s) =>
      stages.some((o) => o !== stage && copiedFrom(s.instruction, o, escape)?.some((p) => MODULES.test(p))),
    );
    return foreign
      ? `line ${foreign.instruction.line} copies node_modules from another stage, built per target: the nx build would run with the target's node_modules: ${BY_HAND}`
      : 'no install of the workspace runs before the nx build in the stage';
  }
  if (installs.length > 1) return `lines ${installs.map((s) => s.instruction.line).join(', ')} install more than once: ${BY_HAND}`;
  const install = installs[0];
  const [installDir] = installDirsAt(stage, new Set([install.instruction.line]), lines, escape);
  if (installDir === undefined) return `line ${install.instruction.line}: where it installs is not known (no WORKDIR)`;
  const nodeModules = posix.join(installDir, 'node_modules');

  const consumers = stages.filter((s) => s.index > stage.index);
  const redirected = new Set<number>();
  let copied = false;
  for (const consumer of consumers) {
    for (const { instruction } of consumer.body) {
      const mount = instruction.keyword === 'RUN' ? instruction.args.match(/--mount=\S*?from=([^,\s]+)/i)?.[1] : undefined;
      if (mount !== undefined && refersTo(stage, mount)) return `line ${instruction.line} mounts the stage`;
      const paths = copiedFrom(instruction, stage, escape);
      if (paths === undefined) continue;
      copied = true;
      const verdict = judgeCopy(paths, nodeModules, installDir, instruction.line);
      if (verdict === 'deps') redirected.add(instruction.line);
      else if (verdict !== 'keep') return verdict;
    }
  }
  if (!copied)
    return `no later stage copies from it: the image is the stage that builds, and its runtime stage is yours to write: ${BY_HAND}`;

  const moves = `the stage runs once, on the build machine: the install with dev dependencies and the nx build; what leaves it is the build's output, JavaScript`;
  if (redirected.size === 0) return { stage: stage.index, notes: [moves] };

  // node_modules left the stage: a per-target stage installs them instead, production dependencies only.
  const at = stage.body.indexOf(install);
  const copies: StageCopy[] = [];
  let state = initialState(stage.image);
  let installState = state;
  // What the stage did to node_modules after the install: a prune to production, or something the per-target
  // install would not repeat (a rebuild, npx).
  const effects: Array<{ line: number; effect: string }> = [];
  for (const [k, { instruction }] of stage.body.entries()) {
    if (k === at) installState = state;
    if (k < at && (instruction.keyword === 'COPY' || instruction.keyword === 'ADD')) copies.push({ instruction, workdir: state.workdir });
    // The nx build itself (often through npx) writes its output, not node_modules.
    if (k > at && !isNxBuild(steps.find((a) => a.line === instruction.line)?.tool))
      effects.push({
        line: instruction.line,
        effect: nodeModulesEffect(instruction, lines, escape, { workdir: state.workdir, installDir, npm6: state.npm6 === true }),
      });
    state = advanceState(state, instruction, escape);
  }
  const yarnSource = facts.context && contextSourceOf(posix.join(installDir, LOCKFILES.yarn[0]), copies, facts.context, escape);
  const npm6 = installState.npm6 === true;
  const production = productionInstall(install.instruction, lines, escape, npm6, yarnSource && facts.context?.read(yarnSource));
  if (typeof production === 'string') return production;
  const changed = effects.find((e) => e.effect === 'other');
  if (changed) return `line ${changed.line} changes node_modules after the install, which the per-target install would not repeat`;
  const pruned = effects.some((e) => e.effect === 'prune');
  const name = facts.name(`${stage.name ?? `stage${stage.index}`}-deps`);
  const into = [...redirected].map((line) => `line ${line}`).join(', ');
  return {
    stage: stage.index,
    deps: { name, last: at, install: production, copies: redirected },
    notes: [
      moves,
      pruned
        ? `node_modules (${into}) now come from '${name}', which installs the production dependencies for each target: the same packages the stage kept after its prune, built for the target`
        : `node_modules (${into}) now come from '${name}', which installs the production dependencies for each target: the image no longer holds the dev dependencies it copied from ${label(stage)}`,
    ],
  };
}
