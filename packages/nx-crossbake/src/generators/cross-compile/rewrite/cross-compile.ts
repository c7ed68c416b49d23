/**
 * Rewrites a Dockerfile so the Go compiles and Node installs the emulation advisor flags run on the build
 * machine: each such stage gets a twin `FROM --platform=$BUILDPLATFORM <same image> AS <stage>-build` with
 * the steps up to its last moved one. Go cross-compiles from TARGETOS/TARGETARCH/TARGETVARIANT; a Node
 * install moves only when its lockfile proves node_modules the same on every platform. The stage itself
 * keeps its base image and every instruction but the Go-only ones, and COPYs what the moved steps left
 * (binaries, node_modules). Lines it does not move stay byte for byte. Pure: the text (and what the build
 * context holds) in, the text and a report out.
 */
import { docLink } from '../../../lib/core/docs';
import { posix } from 'node:path';
import { adviseOnEmulation, type EmulationAdvice } from '../../../lib/advisor/emulation-advisor';
import { parseStage, type Stage as AdvisedStage, type StagePlatform } from '../../../lib/advisor/stage-platform';
import { splitWords } from '../../../lib/dockerfile/words';
import { adviceReason } from './advice-reasons';
import { layoutDockerfile, spanLines, type DockerfileLayout, type InstructionSpan } from './dockerfile-spans';
import { judgeGoStep } from './go-step';
import { judgeMakeStep } from './make-step';
import { isGoOnlyRun } from './go-only';
import { twinProblem } from './twin-problems';
import { LEFT_AS_ADVICE, type MoveVerdict } from './move-verdict';
import type { PackageRecords } from '../../../lib/npm-registry/package-record';
import { isNodeInstall, judgeNodeStep, type NodeContext } from './node/node-step';
import { contextSourceOf, type StageCopy } from './node/context-copies';
import { advanceState, initialState, type StageState } from './stage-facts';
import { renumberStageRefs } from './stage-refs';
import { chainOf, wholeStageMove } from './whole-stage';
import { nxBuildSplit, type NxSplit } from './nx-split';
import { isNxBuild } from '../../../lib/advisor/heavy-steps';

interface CrossCompileOptions {
  /** The target's platforms; any of them may be the emulated one, depending on the machine that builds. */
  platforms: readonly string[];
  /** Why the Go build uses cgo, as found outside the Dockerfile (a source that imports "C", a cgo module in go.mod). */
  cgo?: string;
  /** The target's build context, where Node installs find their lockfile; without it no install moves. */
  context?: NodeContext;
  /** The npm registry's records of pinned versions, for what a lockfile does not record. */
  records?: PackageRecords;
}

interface RewrittenStep {
  line: number;
  stage: string;
  tool: string;
  /** The new stage the step now runs in. */
  buildStage: string;
  /** What the move changes in what the step builds (a hard-coded GOARCH that now follows the target). */
  notes: readonly string[];
}

interface SkippedStep {
  line: number;
  stage: string;
  tool: string;
  reason: string;
}

interface CrossCompileResult {
  dockerfile: string;
  rewritten: RewrittenStep[];
  skipped: SkippedStep[];
  /** Steps left alone because nothing there is built per target: a stage with a fixed --platform. */
  kept: SkippedStep[];
}

interface Stage {
  index: number;
  from: InstructionSpan;
  /** As written after AS, or undefined. */
  name?: string;
  image: string;
  /** Where its steps run, as the advisor reads `--platform` (lib/advisor/stage-platform.ts): `$TARGETPLATFORM` is the target. */
  platform: StagePlatform;
  /** `--platform` as written, if any. */
  platformFlag?: string;
  body: InstructionSpan[];
}

interface StagePlan {
  stage: Stage;
  buildName: string;
  /** Moved RUNs (compiles, installs) by body position, with their verdicts (all ok). */
  compiles: Map<number, Extract<MoveVerdict, { ok: true }>>;
  /** Body positions of Go-only RUNs before the last compile: they run in the build stage only. */
  goOnly: Set<number>;
  /** The USER each compile ran as, by body position. */
  users: Map<number, string | undefined>;
  last: number;
  /** What each moved step's move changes, by line. */
  notes: ReadonlyMap<number, readonly string[]>;
  /** `make` steps that compile no Go (or whose Makefile is not known), by line: they stay, as advice. */
  unmoved: ReadonlyMap<number, string>;
  /** The earlier stages the stage is built FROM, root first: the build stage gets twins of them (stage chains). */
  chain: readonly Stage[];
  /** The twins' names, one per chain stage. */
  chainNames?: readonly string[];
}

const GO_TOOLS = new Set(['go build', 'go install', 'make']);
const DOC = docLink('cross-compile.md');
const MARK = `# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (${DOC})`;
const NODE_MARK = `# nx-crossbake:cross-compile: the install runs on the build machine; the lockfile proves node_modules the same on every platform (${DOC})`;
// The comment over a stage that moves whole, by what leaves it.
const WHOLE_MARK = {
  files: `# nx-crossbake:cross-compile: only files leave this stage, into images that do not run Node or that have node_modules of their own: it builds once, on the build machine (${DOC})`,
  nodeModules: `# nx-crossbake:cross-compile: files leave this stage, and node_modules its lockfile proves the same on every platform: it builds once, on the build machine (${DOC})`,
  nxBuild: `# nx-crossbake:cross-compile: the install and the nx build run once, on the build machine; only the build's output leaves this stage (${DOC})`,
};
const DEPS_MARK = `# nx-crossbake:cross-compile: the production dependencies, installed for each target platform, for the stages that copy node_modules (${DOC})`;
// GOARM is exported in each compile's shell instead (goarm.ts says why); TARGETVARIANT is declared for it.
const CROSS_ENV = ['ARG TARGETOS TARGETARCH TARGETVARIANT', 'ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH'];

function stagesOf(layout: DockerfileLayout): Stage[] {
  const stages: Stage[] = [];
  const read: AdvisedStage[] = [];
  for (const span of layout.spans) {
    if (span.instruction.keyword !== 'FROM') {
      stages.at(-1)?.body.push(span);
      continue;
    }
    const words = splitWords(span.instruction.args, layout.escape);
    const flags = words.filter((w) => w.startsWith('--'));
    const [image = '', as, name] = words.filter((w) => !w.startsWith('--'));
    const platformFlag = flags.find((f) => /^--platform=/i.test(f))?.slice('--platform='.length);
    read.push(parseStage(span.instruction.args, stages.length, layout.escape, read));
    const platform = read.at(-1)!.platform;
    stages.push({
      index: stages.length,
      from: span,
      name: as?.toLowerCase() === 'as' ? name : undefined,
      image,
      platform,
      platformFlag,
      body: [],
    });
  }
  return stages;
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
  taken.add(name.toLowerCase());
  return name;
}

/**
 * The plan for one stage, or why its steps cannot move: one reason for the whole stage (its FROM), or each
 * step's own problem, so the user learns every one of them at once. `moved`: the advisor's tool by RUN line.
 */
function planStage(
  stage: Stage,
  stages: readonly Stage[],
  layout: DockerfileLayout,
  moved: ReadonlyMap<number, string>,
  options: CrossCompileOptions,
): Omit<StagePlan, 'buildName'> | string | Map<number, string> {
  // A stage FROM an earlier one (a chain: `FROM deps AS build`): BuildKit ignores --platform on a stage
  // reference, so the build stage is FROM twins of the whole chain, the root's on the build platform.
  const chain: Stage[] = [];
  for (let at: Stage | undefined = stage; at;) {
    const here: Stage = at;
    at = stages.find((s) => s.index < here.index && (s.name?.toLowerCase() === here.image.toLowerCase() || String(s.index) === here.image));
    if (at) chain.unshift(at);
  }
  if (chain.some((s) => s.platformFlag !== undefined))
    return `the stage is FROM the earlier stage ${chain.at(-1)!.name ? `'${chain.at(-1)!.name}'` : chain.at(-1)!.index}, whose --platform the chain cannot change: BuildKit ignores --platform on a stage reference`;
  const root = chain[0] ?? stage;
  if (root.image.toLowerCase() === 'scratch') return 'the stage is FROM scratch';
  let state: StageState = initialState(root.image);
  const copies: StageCopy[] = [];
  for (const { instruction } of chain.flatMap((s) => s.body)) {
    if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') copies.push({ instruction, workdir: state.workdir });
    state = advanceState(state, instruction, layout.escape);
  }
  const compiles: StagePlan['compiles'] = new Map();
  const users: StagePlan['users'] = new Map();
  const unmoved = new Map<number, string>();
  const notes = new Map<number, readonly string[]>();
  const problems = new Map<number, string>();
  for (const [k, span] of stage.body.entries()) {
    const line = span.instruction.line;
    const tool = moved.get(line);
    if (tool !== undefined) {
      const verdict = judgeStep(tool, span, layout, state, copies, options);
      if (verdict.ok) {
        compiles.set(k, verdict);
        users.set(k, state.user);
        notes.set(line, verdict.notes ?? []);
      } else if (verdict.reason.startsWith(LEFT_AS_ADVICE)) unmoved.set(line, verdict.reason);
      else problems.set(line, verdict.reason);
    }
    if (span.instruction.keyword === 'COPY' || span.instruction.keyword === 'ADD')
      copies.push({ instruction: span.instruction, workdir: state.workdir });
    state = advanceState(state, span.instruction, layout.escape);
  }
  if (problems.size > 0) {
    const first = [...problems.keys()][0];
    for (const line of moved.keys())
      if (!problems.has(line))
        problems.set(line, unmoved.get(line) ?? `the stage moves as a whole, and line ${first} cannot move (its reason is reported there)`);
    return problems;
  }
  // Only makes that compile no Go (or whose Makefile is not known): left as advice.
  if (compiles.size === 0) return new Map(unmoved);
  const last = Math.max(...compiles.keys());
  const goOnly = new Set(
    stage.body.flatMap((span, k) =>
      k < last && !compiles.has(k) && isGoOnlyRun(span.instruction, layout.lines, layout.escape) ? [k] : [],
    ),
  );
  const problem = twinProblem(stage.body, layout, compiles, goOnly, last);
  return problem ?? { stage, compiles, goOnly, users, last, unmoved, notes, chain };
}

function judgeStep(
  tool: string,
  span: InstructionSpan,
  layout: DockerfileLayout,
  state: StageState,
  copies: readonly StageCopy[],
  options: CrossCompileOptions,
): MoveVerdict {
  const run = span.instruction;
  if (isNodeInstall(tool))
    return judgeNodeStep(run, layout.lines, layout.escape, {
      workdir: state.workdir,
      copies: [...copies],
      context: options.context,
      platforms: options.platforms,
      records: options.records,
      npm6: state.npm6,
    });
  const context = options.context;
  // A file of the image, as the stage's copies so far bring it from the build context.
  const read = (path: string) => {
    const source = context && contextSourceOf(path, copies, context, layout.escape);
    return source === undefined ? undefined : context?.read(source);
  };
  const facts = { ...state, cgoUse: options.cgo, platforms: options.platforms, goModAt: (dir: string) => read(posix.join(dir, 'go.mod')) };
  const own = layout.lines.slice(span.start, span.end + 1);
  const verdict =
    tool === 'make'
      ? judgeMakeStep(run, layout.lines, layout.escape, { ...facts, read })
      : judgeGoStep(run, layout.lines, own, layout.escape, facts);
  if (!verdict.ok) return verdict;
  // The build stage's ENV replaces a GOARCH/GOARM the stage set to one platform's value before the compile.
  const replaced = ['GOARCH', 'GOARM'].flatMap((name) => {
    const value = state.variables.get(name);
    return typeof value === 'string' && value !== ''
      ? [
          `${name}=${value}, set by the stage, is replaced by the target's in the build stage: the original built ${name === 'GOARCH' ? value : `GOARM=${value}`} binaries into every image`,
        ]
      : [];
  });
  return { ...verdict, prelude: CROSS_ENV, notes: [...(verdict.notes ?? []), ...replaced] };
}

const isMoved = (tool: string) => GO_TOOLS.has(tool) || isNodeInstall(tool);

export function crossCompileDockerfile(text: string, options: CrossCompileOptions): CrossCompileResult {
  const advice = adviseOnEmulation(text, options.platforms.length > 0 ? options.platforms : ['linux/arm64']);
  const layout = layoutDockerfile(text);
  const stages = stagesOf(layout);
  const stageOfLine = (line: number) => stages.filter((s) => s.from.instruction.line <= line).at(-1)!;
  const taken = new Set(stages.flatMap((s) => (s.name ? [s.name.toLowerCase()] : [])));
  const skipped: SkippedStep[] = [];
  const rewritten: RewrittenStep[] = [];
  const plans = new Map<number, StagePlan>();

  const kept: SkippedStep[] = [];
  // Stages that move whole (whole-stage.ts, nx-split.ts), by index.
  const wholes = new Map<number, keyof typeof WHOLE_MARK>();
  // A stage that runs an nx build moves whole, with its installs, or its nx build stays with the reason.
  const splits = new Map<number, NxSplit>();
  const nxRefusals = new Map<number, string>();
  for (const stage of new Set(advice.filter((a) => isNxBuild(a.tool)).map((a) => stageOfLine(a.line)))) {
    const mine = advice.filter((a) => stageOfLine(a.line) === stage);
    const split =
      fixedPlatform(stage) ??
      nxBuildSplit(stage, stages, mine, layout.lines, layout.escape, {
        context: options.context,
        name: (wanted) => uniqueName(wanted, taken),
      });
    if (typeof split === 'string') {
      nxRefusals.set(stage.index, split);
      continue;
    }
    splits.set(stage.index, split);
    wholes.set(stage.index, 'nxBuild');
    rewritten.push(
      ...mine.map((a) => ({
        line: a.line,
        stage: a.stage,
        tool: a.tool,
        buildStage: a.stage,
        notes: isNxBuild(a.tool) ? split.notes : [],
      })),
    );
  }
  const movable = advice.filter((a) => isMoved(a.tool) && !splits.has(stageOfLine(a.line).index));
  // Every stage of a chain that moves whole with its first stage.
  const wholeChains = new Set<number>();
  for (const stage of new Set(movable.map((a) => stageOfLine(a.line)))) {
    const mine = movable.filter((a) => stageOfLine(a.line) === stage);
    // `--platform=$TARGETPLATFORM` (or `${TARGETPLATFORM:-…}`) is built per target like no flag at all; a fixed
    // platform or $BUILDPLATFORM is built once, whatever the target: nothing there to move. (A stage FROM an
    // earlier one inherits its platform without a flag: planStage gives that case its reason.)
    const fixed = fixedPlatform(stage);
    if (fixed) {
      kept.push(...mine.map((a) => skip(a, fixed)));
      continue;
    }
    if (wholeChains.has(stage.index)) continue;
    const chain = chainOf(stage, stages);
    const chainSteps = movable.filter((a) => chain.includes(stageOfLine(a.line)));
    const whole = wholeStageMove(stage, stages, chainSteps, layout.lines, layout.escape, options);
    if (whole) {
      wholes.set(stage.index, whole.kind);
      for (const member of chain) wholeChains.add(member.index);
      rewritten.push(...chainSteps.map((a) => ({ line: a.line, stage: a.stage, tool: a.tool, buildStage: a.stage, notes: [whole.note] })));
      continue;
    }
    const plan = planStage(stage, stages, layout, new Map(mine.map((a) => [a.line, a.tool])), options);
    if (typeof plan === 'string' || plan instanceof Map) {
      skipped.push(...mine.map((a) => skip(a, typeof plan === 'string' ? plan : plan.get(a.line)!)));
      continue;
    }
    const buildName = uniqueName(
      `${stage.name ?? (taken.has('build') ? `stage${stage.index}` : '')}${stage.name || taken.has('build') ? '-' : ''}build`,
      taken,
    );
    const chainNames = plan.chain.map((s) => uniqueName(`${s.name ?? `stage${s.index}`}-build`, taken));
    plans.set(stage.index, { ...plan, buildName, chainNames });
    for (const a of mine)
      if (plan.unmoved.has(a.line)) skipped.push(skip(a, plan.unmoved.get(a.line)!));
      else rewritten.push({ line: a.line, stage: a.stage, tool: a.tool, buildStage: buildName, notes: plan.notes.get(a.line) ?? [] });
  }
  for (const a of advice) {
    const index = stageOfLine(a.line).index;
    if (isMoved(a.tool) || splits.has(index)) continue;
    // A refused split's stage can still move whole for its installs (whole-stage.ts): the nx build goes with it.
    if (isNxBuild(a.tool) && wholeChains.has(index))
      rewritten.push({ line: a.line, stage: a.stage, tool: a.tool, buildStage: a.stage, notes: ['it moved with its stage, as a whole'] });
    else skipped.push(skip(a, (isNxBuild(a.tool) && nxRefusals.get(index)) || adviceReason(a.tool)));
  }
  skipped.sort((a, b) => a.line - b.line);
  if (plans.size === 0 && wholes.size === 0) return { dockerfile: text, rewritten, skipped, kept };
  return { dockerfile: emit(layout, stages, plans, wholes, splits), rewritten, skipped, kept };
}

/** Why a stage with a --platform of its own has nothing to move: it is built once, whatever the target. */
const fixedPlatform = (stage: Stage): string | undefined =>
  stage.platformFlag === undefined
    ? undefined
    : stage.platform.kind === 'pinned'
      ? `the stage is pinned to --platform=${stage.platformFlag}: it is built once, not per target, so nothing here compiles per target`
      : stage.platform.kind === 'build'
        ? 'the stage already runs on the build platform'
        : undefined;

const skip = (a: EmulationAdvice, reason: string): SkippedStep => ({ line: a.line, stage: a.stage, tool: a.tool, reason });

function emit(
  layout: DockerfileLayout,
  stages: readonly Stage[],
  plans: ReadonlyMap<number, StagePlan>,
  wholes: ReadonlyMap<number, keyof typeof WHOLE_MARK>,
  splits: ReadonlyMap<number, NxSplit>,
): string {
  // Each plan inserts its build stage and its chain's twins before its stage; each nx split its deps stage after.
  const renumber = (index: number) =>
    index +
    [...plans.values()].filter((p) => p.stage.index <= index).reduce((n, p) => n + 1 + p.chain.length, 0) +
    [...splits.values()].filter((s) => s.deps && s.stage < index).length;
  // A COPY of the build stage's node_modules takes them from the deps stage instead.
  const depsOf = new Map(
    [...splits.values()].flatMap((s) => (s.deps ? [...s.deps.copies].map((line) => [line, s.deps!.name] as const) : [])),
  );
  const lines = (span: InstructionSpan) => {
    const headLength = span.head - span.lead + 1;
    const deps = depsOf.get(span.instruction.line);
    return spanLines(layout, span).map((line, i) => {
      if (i >= headLength) return line;
      const renumbered = renumberStageRefs(span.instruction.keyword, line, renumber);
      return deps === undefined ? renumbered : renumbered.replace(/(\s--from=)(["']?)[^\s"']+\2/i, `$1${deps}`);
    });
  };
  // After the last instruction of a split stage, its deps stage.
  const depsAfter = new Map(
    [...splits.values()].flatMap((s) => {
      const stage = stages[s.stage];
      return s.deps && stage.body.length ? [[stage.body.at(-1)!, depsStage(stage, s.deps, lines)] as const] : [];
    }),
  );
  const planOf = new Map([...plans.values()].map((plan) => [plan.stage.from, plan]));
  const out: string[] = [];
  let next = 0; // the first line not yet written
  for (let i = 0; i < layout.spans.length; i++) {
    const span = layout.spans[i];
    const plan = planOf.get(span);
    out.push(...layout.lines.slice(next, plan ? span.start : span.lead));
    if (plan === undefined) {
      const whole = stages.find((s) => s.from === span && wholes.has(s.index));
      const written = lines(span);
      // A `--platform=$TARGETPLATFORM` already there is replaced: BuildKit takes one flag.
      if (whole) {
        const from = written[span.start - span.lead];
        written[span.start - span.lead] = /\s--platform[=\s]/i.test(from)
          ? from.replace(/(\s)--platform(=|\s+)\S+/i, '$1--platform=$BUILDPLATFORM')
          : from.replace(/^(\s*FROM)(\s+)/i, '$1 --platform=$BUILDPLATFORM$2');
      }
      const mark = whole && WHOLE_MARK[wholes.get(whole.index)!];
      out.push(...(mark ? [...written.slice(0, span.start - span.lead), mark, ...written.slice(span.start - span.lead)] : written));
      out.push(...(depsAfter.get(span) ?? []));
      next = span.end + 1;
      continue;
    }
    out.push(...buildStage(plan, lines), '', ...finalStage(plan, lines, layout));
    next = (plan.stage.body.at(-1) ?? span).end + 1;
    i += plan.stage.body.length;
  }
  out.push(...layout.lines.slice(next));
  return layout.bom + out.join(layout.eol);
}

/** The per-target stage of production dependencies: the split stage's steps up to its install, installing without dev. */
function depsStage(stage: Stage, deps: NonNullable<NxSplit['deps']>, lines: (span: InstructionSpan) => string[]): string[] {
  const out = ['', DEPS_MARK, `FROM ${stage.image} AS ${deps.name}`];
  for (const [k, span] of stage.body.slice(0, deps.last + 1).entries()) {
    const text = lines(span);
    const lead = span.start - span.lead;
    out.push(...(k === deps.last ? [...text.slice(0, lead), ...deps.install(text.slice(lead))] : text));
  }
  return out;
}

function buildStage(plan: StagePlan, lines: (span: InstructionSpan) => string[]): string[] {
  const { stage } = plan;
  const compiles = [...plan.compiles.values()].some((v) => v.prelude.length > 0);
  const names = plan.chainNames ?? [];
  const out = [compiles ? MARK : NODE_MARK];
  // A chain's twins, each whole, FROM the one before; the root's on the build platform.
  for (const [i, member] of plan.chain.entries()) {
    out.push(i === 0 ? `FROM --platform=$BUILDPLATFORM ${member.image} AS ${names[i]}` : `FROM ${names[i - 1]} AS ${names[i]}`);
    out.push(...member.body.flatMap((span) => lines(span)), '');
  }
  out.push(
    plan.chain.length ? `FROM ${names.at(-1)} AS ${plan.buildName}` : `FROM --platform=$BUILDPLATFORM ${stage.image} AS ${plan.buildName}`,
  );
  // The prelude goes once, right before the first step that needs it.
  const first = Math.min(...[...plan.compiles].flatMap(([k, v]) => (v.prelude.length ? [k] : [])));
  for (const [k, span] of stage.body.slice(0, plan.last + 1).entries()) {
    const verdict = plan.compiles.get(k);
    const text = lines(span);
    const lead = span.start - span.lead;
    const prelude = k === first ? verdict!.prelude : [];
    text.splice(lead, 0, ...prelude);
    out.push(...(verdict ? [...text.slice(0, lead + prelude.length), ...verdict.rewrite(text.slice(lead + prelude.length))] : text));
  }
  return out;
}

function finalStage(plan: StagePlan, lines: (span: InstructionSpan) => string[], layout: DockerfileLayout): string[] {
  const { stage } = plan;
  const out = layout.lines.slice(stage.from.start, stage.from.end + 1);
  for (const [k, span] of stage.body.entries()) {
    if (plan.goOnly.has(k)) continue;
    const verdict = plan.compiles.get(k);
    if (verdict === undefined) {
      out.push(...lines(span));
      continue;
    }
    const user = plan.users.get(k);
    const chown = user ? ` --chown=${user}` : '';
    out.push(
      ...layout.lines.slice(span.lead, span.start),
      ...verdict.artifacts.map((path) => `COPY --from=${plan.buildName}${chown} ${copyPaths(path)}`),
      ...(verdict.remainder?.(lines(span).slice(span.start - span.lead)) ?? []),
    );
  }
  return out;
}

/** `src dest` for COPY: the same path on both sides; the JSON form when it has white space. */
const copyPaths = (path: string) => (/\s/.test(path) ? JSON.stringify([path, path]).replace(/,/, ', ') : `${path} ${path}`);
