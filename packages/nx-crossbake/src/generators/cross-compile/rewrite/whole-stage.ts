/**
 * A front-end build stage — `npm ci && npm run build`, whose dist/ is copied into nginx — can run whole on
 * the build machine: what leaves it is files (HTML, CSS, bundled JS), the same for every platform, and the
 * esbuild/rollup/swc binaries that vary per platform stay behind in its node_modules. The stage moves only
 * when that is what the Dockerfile shows: later stages take nothing from it but `COPY --from` of paths
 * outside its node_modules, none of them runs Node unless it has node_modules of its own (a server could
 * load a native module the build traced into its output: Next's standalone, SvelteKit's adapter-node; one
 * that installs its node_modules, or copies them from another stage, loads them from there), and the stage
 * never reads the target's platform (TARGETARCH…). Stages built FROM it form a chain that moves with it —
 * BuildKit gives a stage built FROM another that stage's platform — and are held to the same rules. Its
 * node_modules may leave too when the lockfile proves what the stage ends with (after a prune to
 * production). Then the chain's first FROM gets `--platform=$BUILDPLATFORM`, and nothing else changes.
 */
import { posix } from 'node:path';
import type { DockerfileInstruction } from '../../../lib/dockerfile/instructions';
import { splitWords, unquoteWord } from '../../../lib/dockerfile/words';
import type { PackageRecords } from '../../../lib/npm-registry/package-record';
import type { StageCopy } from './node/context-copies';
import { installDirOf, isNodeInstall, judgeNodeStep, type NodeContext } from './node/node-step';
import { installsProject, nodeModulesEffect } from './node/install-runs';
import { advanceState, initialState, type StageState } from './stage-facts';

interface StageShape {
  index: number;
  name?: string;
  image: string;
  body: ReadonlyArray<{ instruction: DockerfileInstruction }>;
}

const NODE_IMAGE = /(^|\/)(node|bun|deno|nodejs[\w.-]*)(:|@|$)/i;
const RUNS_NODE = /(^|[\s"'[,])(node|npm|npx|pnpm|yarn|bun|deno)(["'\s,\]]|$)/;
export const TARGET_ARGS = /\$\{?TARGET(PLATFORM|OS|ARCH|VARIANT)\b|^\s*TARGET(PLATFORM|OS|ARCH|VARIANT)\b/;

export const refersTo = (stage: StageShape, ref: string) => ref.toLowerCase() === stage.name?.toLowerCase() || ref === String(stage.index);

/** `COPY --from=<ref> src… dest` as its source paths, absolute in the source stage; undefined for anything else. */
export function copiedFrom(instruction: DockerfileInstruction, stage: StageShape, escape: string): string[] | undefined {
  if (instruction.keyword !== 'COPY') return undefined;
  const words = splitWords(instruction.args, escape);
  const from = words.find((w) => /^--from=/i.test(w))?.slice('--from='.length);
  if (from === undefined || !refersTo(stage, unquoteWord(from, escape))) return undefined;
  const rest = words.filter((w) => !w.startsWith('--'));
  let paths: string[];
  try {
    paths = rest[0]?.startsWith('[') ? (JSON.parse(rest.join(' ')) as string[]) : rest.map((w) => unquoteWord(w, escape));
  } catch {
    return [];
  }
  return paths.slice(0, -1).map((p) => posix.join('/', p));
}

/** The base image a stage runs on, through `FROM <earlier stage>`. */
function baseImage(stage: StageShape, stages: readonly StageShape[]): string {
  const earlier = stages.find((s) => s.index < stage.index && refersTo(s, stage.image));
  return earlier ? baseImage(earlier, stages) : stage.image;
}

/** The stage and every later one built FROM it, directly or through another. */
export function chainOf(stage: StageShape, stages: readonly StageShape[]): StageShape[] {
  const chain = [stage];
  for (const later of stages.filter((s) => s.index > stage.index))
    if (chain.some((member) => refersTo(member, later.image))) chain.push(later);
  return chain;
}

/**
 * Whether the stage has node_modules of its own, not the moved chain's: it installs them, or copies them from
 * a stage outside the chain (a `deps` stage of production dependencies, per target).
 */
const hasOwnNodeModules = (
  stage: StageShape,
  chain: readonly StageShape[],
  stages: readonly StageShape[],
  lines: readonly string[],
  escape: string,
) =>
  stage.body.some(
    ({ instruction }) =>
      installsProject(instruction, lines, escape) ||
      stages.some(
        (other) => !chain.includes(other) && copiedFrom(instruction, other, escape)?.some((p) => /(^|\/)node_modules(\/|$)/.test(p)),
      ),
  );
// Server builds that carry the node_modules their tracer copied, for the machine that built them.
export const TRACED = /(^|\/)(\.next\/standalone|\.output)(\/|$)/;

/**
 * Why the stage cannot move whole, with the chain built FROM it; undefined when it can. `installDirs`: where
 * its installs put node_modules. `lines`: the Dockerfile's lines, for reading RUNs. `nodeModulesProven`:
 * the lockfile proves the node_modules the stage ends with the same on every platform (as installed, or as
 * pruned to production), so it may leave the stage, into a server too.
 */
function staticStageProblem(
  stage: StageShape,
  stages: readonly StageShape[],
  escape: string,
  installDirs: readonly string[],
  lines: readonly string[],
  nodeModulesProven = false,
): string | undefined {
  if (stages.some((s) => s.index < stage.index && refersTo(s, stage.image)))
    return `the stage is built FROM the earlier stage '${stage.image}', whose platform it takes`;
  const chain = chainOf(stage, stages);
  const member = chain.find((m) => m.body.some((s) => TARGET_ARGS.test(s.instruction.args)));
  if (member)
    return `${member === stage ? 'the stage' : `stage ${member.name ?? member.index}, built FROM it,`} reads the target platform (TARGETARCH…)`;
  const consumers = stages.filter((s) => s.index > stage.index && !chain.includes(s));
  let copied = false;
  for (const consumer of consumers) {
    for (const { instruction } of consumer.body) {
      if (instruction.keyword === 'RUN' && /--mount=\S*from=/i.test(instruction.args)) {
        const from = instruction.args.match(/--mount=\S*?from=([^,\s]+)/i)?.[1];
        if (from !== undefined && chain.some((m) => refersTo(m, from))) return `stage ${consumer.name ?? consumer.index} mounts it`;
      }
      const from = chain.map((m) => copiedFrom(instruction, m, escape)).filter((p): p is string[] => p !== undefined);
      if (from.length === 0) continue;
      const paths = from.flat();
      copied = true;
      const image = baseImage(consumer, stages);
      const runs = consumer.body.find(
        (s) => (s.instruction.keyword === 'CMD' || s.instruction.keyword === 'ENTRYPOINT') && RUNS_NODE.test(s.instruction.args),
      );
      // A tracer copied them before any prune, dev-only native modules included.
      const traced = paths.find((p) => TRACED.test(p));
      if (traced)
        return `line ${instruction.line} copies ${traced}, a server build that carries node_modules traced on the machine that built it`;
      // node_modules the lockfile proves the same everywhere may reach a server: it holds no platform's code.
      if (nodeModulesProven) continue;
      const node = NODE_IMAGE.test(image) || runs !== undefined;
      const prisma = chain.flatMap((m) => m.body).find((s) => s.instruction.keyword === 'RUN' && /\bprisma\b/.test(s.instruction.args));
      if (node && prisma)
        return `line ${prisma.instruction.line} runs Prisma, whose generated client holds a query engine for the machine it ran on, and stage ${consumer.name ?? consumer.index} runs Node`;
      if (node && !hasOwnNodeModules(consumer, chain, stages, lines, escape))
        return `stage ${consumer.name ?? consumer.index} runs Node (${NODE_IMAGE.test(image) ? image : runs!.instruction.args.trim()}) without node_modules of its own (installed, or copied from another stage), and what it copies could hold code built for the build machine`;
      for (const path of paths) {
        // Up to a wildcard, the folder the copy takes.
        const fixed = path.split('/').findIndex((part) => /[*?[]/.test(part));
        const taken = fixed < 0 ? path : path.split('/').slice(0, fixed).join('/') || '/';
        if (
          /(^|\/)node_modules(\/|$)/.test(taken) ||
          installDirs.some((dir) => dir === taken || dir.startsWith(`${taken.replace(/\/$/, '')}/`))
        )
          return `line ${instruction.line} copies ${path}, which holds node_modules installed for the build machine`;
      }
    }
  }
  if (!copied) return 'no later stage copies from it';
  // A stage of the chain that feeds nothing is an image of its own (`FROM build AS test`): it stays per target.
  const own = chain
    .slice(1)
    .find(
      (m) =>
        !chain.some((other) => refersTo(m, other.image)) &&
        !consumers.some((c) => c.body.some(({ instruction }) => copiedFrom(instruction, m, escape))),
    );
  return own ? `stage ${own.name ?? own.index}, built FROM it, is an image of its own, built per target` : undefined;
}

/** Where the installs at `lines` put node_modules: their WORKDIR, after any `cd` of their RUN. */
export function installDirsAt(
  stage: StageShape,
  lines: ReadonlySet<number>,
  dockerfile: readonly string[],
  escape: string,
): Array<string | undefined> {
  let state: StageState = initialState(stage.image);
  const dirs: Array<string | undefined> = [];
  for (const { instruction } of stage.body) {
    if (lines.has(instruction.line)) dirs.push(installDirOf(instruction, dockerfile, escape, state.workdir));
    state = advanceState(state, instruction, escape);
  }
  return dirs;
}

/**
 * Whether the lockfile proves the node_modules the stage ends with the same on every platform: each project
 * install judged as the install step is, for what is left after a later strict prune to production, and
 * nothing else in the stage touching node_modules (an install of named packages, npx, Prisma). Every install
 * is judged, so the registry is asked about all of them at once.
 */
function nodeModulesProven(
  stage: StageShape,
  installs: ReadonlySet<number>,
  dirs: readonly string[],
  lines: readonly string[],
  escape: string,
  facts: WholeMoveFacts,
): boolean {
  if (installs.size === 0 || new Set(dirs).size !== 1) return false;
  const npm6 = initialState(stage.image).npm6 === true;
  // Each step, read in its WORKDIR: the prune must run where the install put node_modules.
  const steps: Array<{ instruction: DockerfileInstruction; state: StageState; copies: StageCopy[]; effect: string }> = [];
  let state: StageState = initialState(stage.image);
  const copies: StageCopy[] = [];
  for (const { instruction } of stage.body) {
    const effect = installs.has(instruction.line)
      ? 'install'
      : nodeModulesEffect(instruction, lines, escape, { workdir: state.workdir, installDir: dirs[0], npm6 });
    steps.push({ instruction, state, copies: [...copies], effect });
    if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') copies.push({ instruction, workdir: state.workdir });
    state = advanceState(state, instruction, escape);
  }
  let proven = !steps.some((s) => s.effect === 'other');
  for (const [k, step] of steps.entries()) {
    if (step.effect !== 'install') continue;
    const prunedToProduction = steps.slice(k + 1).some((s) => s.effect === 'prune');
    const verdict = judgeNodeStep(step.instruction, lines, escape, {
      ...facts,
      workdir: step.state.workdir,
      copies: step.copies,
      prunedToProduction,
      npm6,
    });
    proven &&= verdict.ok;
  }
  return proven;
}

interface WholeMoveFacts {
  context?: NodeContext;
  platforms: readonly string[];
  records?: PackageRecords;
}

/** How a stage moves whole: what leaves it (the comment over its FROM), and the note for each of its steps. */
interface WholeMove {
  kind: 'files' | 'nodeModules';
  note: string;
}

/**
 * The whole-stage move of `stage` and the chain built FROM it, when every step the advisor flags in the chain
 * (`steps`) is a Node install and the Dockerfile shows the move safe; undefined otherwise.
 */
export function wholeStageMove(
  stage: StageShape,
  stages: readonly StageShape[],
  steps: ReadonlyArray<{ line: number; tool: string }>,
  lines: readonly string[],
  escape: string,
  facts: WholeMoveFacts,
): WholeMove | undefined {
  if (!steps.every((a) => isNodeInstall(a.tool))) return undefined;
  const chain = chainOf(stage, stages);
  const runAt = (line: number) => chain.flatMap((m) => m.body).find((s) => s.instruction.line === line)?.instruction;
  // Where the project installs put node_modules (a global tool's install puts none there).
  const installs = new Set(steps.filter((a) => installsProject(runAt(a.line)!, lines, escape)).map((a) => a.line));
  const dirs = chain.flatMap((m) => installDirsAt(m, installs, lines, escape));
  if (dirs.includes(undefined)) return undefined;
  const problem = (proven: boolean) => staticStageProblem(stage, stages, escape, dirs as string[], lines, proven);
  const others = chain.slice(1).map((m) => `'${m.name ?? m.index}'`);
  const moves = `the whole stage${others.length ? ` (with ${others.join(', ')}, built FROM it)` : ''} runs once, on the build machine`;
  if (problem(false) === undefined) return { kind: 'files', note: `${moves}: only files leave it` };
  // Its node_modules may leave too, into a server, when the lockfile proves it (a stage of its own only).
  if (chain.length === 1 && nodeModulesProven(stage, installs, dirs as string[], lines, escape, facts) && problem(true) === undefined)
    return {
      kind: 'nodeModules',
      note: `${moves}: what leaves it is files, and node_modules the lockfile proves the same on every platform`,
    };
  return undefined;
}
