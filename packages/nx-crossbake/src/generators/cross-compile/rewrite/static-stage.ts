/**
 * A front-end build stage — `npm ci && npm run build`, whose dist/ is copied into nginx — can run whole on
 * the build machine: what leaves it is files (HTML, CSS, bundled JS), the same for every platform, and the
 * esbuild/rollup/swc binaries that vary per platform stay behind in its node_modules. The stage moves only
 * when that is what the Dockerfile shows: later stages take nothing from it but `COPY --from` of paths
 * outside its node_modules, none of them runs Node (a server could load a native module the build traced
 * into its output: Next's standalone, SvelteKit's adapter-node), and the stage never reads the target's
 * platform (TARGETARCH…). Then its FROM gets `--platform=$BUILDPLATFORM`, and nothing else changes.
 */
import { posix } from 'node:path';
import type { DockerfileInstruction } from '../../../lib/dockerfile/instructions';
import { splitWords, unquoteWord } from '../../../lib/dockerfile/words';
import { advanceState, initialState, type StageState } from './stage-facts';

interface StageShape {
  index: number;
  name?: string;
  image: string;
  body: ReadonlyArray<{ instruction: DockerfileInstruction }>;
}

const NODE_IMAGE = /(^|\/)(node|bun|deno|nodejs[\w.-]*)(:|@|$)/i;
const RUNS_NODE = /(^|[\s"'[,])(node|npm|npx|pnpm|yarn|bun|deno)(["'\s,\]]|$)/;
const TARGET_ARGS = /\$\{?TARGET(PLATFORM|OS|ARCH|VARIANT)\b|^\s*TARGET(PLATFORM|OS|ARCH|VARIANT)\b/;

const refersTo = (stage: StageShape, ref: string) => ref.toLowerCase() === stage.name?.toLowerCase() || ref === String(stage.index);

/** `COPY --from=<ref> src… dest` as its source paths, absolute in the source stage; undefined for anything else. */
function copiedFrom(instruction: DockerfileInstruction, stage: StageShape, escape: string): string[] | undefined {
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

/** Why the stage cannot move whole; undefined when it can. `installDirs`: where its installs put node_modules. */
export function staticStageProblem(
  stage: StageShape,
  stages: readonly StageShape[],
  escape: string,
  installDirs: readonly string[],
): string | undefined {
  if (stage.body.some((s) => TARGET_ARGS.test(s.instruction.args))) return 'the stage reads the target platform (TARGETARCH…)';
  const consumers = stages.filter((s) => s.index > stage.index);
  if (consumers.some((s) => refersTo(stage, s.image))) return 'a later stage is built FROM it';
  let copied = false;
  for (const consumer of consumers) {
    for (const { instruction } of consumer.body) {
      if (instruction.keyword === 'RUN' && /--mount=\S*from=/i.test(instruction.args)) {
        const from = instruction.args.match(/--mount=\S*?from=([^,\s]+)/i)?.[1];
        if (from !== undefined && refersTo(stage, from)) return `stage ${consumer.name ?? consumer.index} mounts it`;
      }
      const paths = copiedFrom(instruction, stage, escape);
      if (paths === undefined) continue;
      copied = true;
      const image = baseImage(consumer, stages);
      const runs = consumer.body.find(
        (s) => (s.instruction.keyword === 'CMD' || s.instruction.keyword === 'ENTRYPOINT') && RUNS_NODE.test(s.instruction.args),
      );
      if (NODE_IMAGE.test(image) || runs)
        return `stage ${consumer.name ?? consumer.index} runs Node (${NODE_IMAGE.test(image) ? image : runs!.instruction.args.trim()}), and what it copies could hold code built for the build machine`;
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
  return copied ? undefined : 'no later stage copies from it';
}

/** The folders the stage's steps at `lines` run in (their WORKDIR), where their node_modules land. */
export function workdirsAt(stage: StageShape, lines: ReadonlySet<number>, escape: string): Array<string | undefined> {
  let state: StageState = initialState(stage.image);
  const dirs: Array<string | undefined> = [];
  for (const { instruction } of stage.body) {
    if (lines.has(instruction.line)) dirs.push(state.workdir);
    state = advanceState(state, instruction, escape);
  }
  return dirs;
}
