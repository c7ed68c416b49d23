/**
 * COPY/ADD sources that are not in a build context but are in a folder above it, and the nearest folder that
 * holds them all: what a Dockerfile written for the workspace root (`COPY package.json package-lock.json ./`)
 * reads when it is given its project's folder. A source found nowhere above is not counted: an earlier task
 * may still write it. Sources with a wildcard in a folder segment, variables, `--from` and remote sources
 * are not judged.
 */
import { posix } from 'node:path';
import { contextCopyOperands, contextPath, globRegExp, WILDCARD } from './copy-operands';
import { parseDockerfileInstructions, type DockerfileInstruction } from './instructions';

/** The workspace's files, by workspace-relative posix path. */
export interface WorkspaceFs {
  exists(path: string): boolean;
  isDirectory(path: string): boolean;
  /** The names in a folder; [] when it is not one. */
  list(path: string): string[];
}

interface SourcesAbove {
  /** The nearest folder above the context holding every source below, workspace-relative (`.` the root). */
  holder: string;
  sources: { line: number; source: string }[];
}

/** Whether `source` (context-relative) names something in `dir`, a wildcard in its last segment matched. */
function foundIn(dir: string, source: string, fs: WorkspaceFs): boolean {
  const path = posix.join(dir, source);
  const name = posix.basename(path);
  if (!WILDCARD.test(name)) return fs.exists(path);
  const pattern = globRegExp(name);
  return fs.list(posix.dirname(path)).some((n) => pattern.test(n));
}

/** The folders above `context`, nearest first, up to the workspace root (`.`). */
function foldersAbove(context: string): string[] {
  const above: string[] = [];
  for (let dir = context; dir !== '.';) {
    dir = posix.dirname(dir);
    above.push(dir);
  }
  return above;
}

/** What another stage is named by: `FROM <stage>`, `--from=<stage>` of COPY/ADD and of RUN's mounts. */
function stageRefs(instruction: DockerfileInstruction): string[] {
  if (instruction.keyword === 'FROM') return [instruction.args.split(/\s+/).find((w) => !w.startsWith('--')) ?? ''];
  return [...instruction.args.matchAll(/(?:^|[\s,])(?:--)?from=([^\s,]+)/gi)].map((m) => m[1]);
}

/**
 * The instructions of the stages BuildKit builds for `target` (default: the last stage): it skips the others,
 * so what they copy cannot fail the build. Undefined when a reference cannot be resolved (a variable in it).
 */
function builtInstructions(
  instructions: readonly DockerfileInstruction[],
  target: string | undefined,
): DockerfileInstruction[] | undefined {
  const stages: { name?: string; instructions: DockerfileInstruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM')
      stages.push({ name: /\sAS\s+(\S+)\s*$/i.exec(instruction.args)?.[1].toLowerCase(), instructions: [] });
    stages.at(-1)?.instructions.push(instruction);
  }
  const indexOf = (ref: string) => {
    const byName = stages.findIndex((s) => s.name === ref.toLowerCase());
    return byName >= 0 ? byName : /^\d+$/.test(ref) && Number(ref) < stages.length ? Number(ref) : undefined;
  };
  const start = target === undefined ? stages.length - 1 : indexOf(target);
  if (start === undefined || start < 0) return undefined;
  const built = new Set<number>();
  for (const todo = [start]; todo.length > 0;) {
    const index = todo.pop()!;
    if (built.has(index)) continue;
    built.add(index);
    for (const ref of stages[index].instructions.flatMap(stageRefs)) {
      if (ref.includes('$')) return undefined;
      const other = indexOf(ref);
      if (other !== undefined && other < index) todo.push(other); // else an image, or a named context
    }
  }
  return stages.filter((_, i) => built.has(i)).flatMap((s) => s.instructions);
}

/**
 * `context` is workspace-relative; `target` the stage built. Undefined when every source is in the context, no
 * one folder above has them, or the stages built cannot be told.
 */
export function sourcesAboveContext(dockerfile: string, context: string, fs: WorkspaceFs, target?: string): SourcesAbove | undefined {
  const dir = posix.normalize(context).replace(/\/+$/, '') || '.';
  const parsed = parseDockerfileInstructions(dockerfile);
  const { escape } = parsed;
  const instructions = builtInstructions(parsed.instructions, target);
  if (!instructions) return undefined;
  const above = foldersAbove(dir);
  const sources: SourcesAbove['sources'] = [];
  for (const instruction of instructions) {
    for (const raw of contextCopyOperands(instruction, escape)?.sources ?? []) {
      const source = contextPath(raw);
      if (WILDCARD.test(posix.dirname(source)) || foundIn(dir, source, fs)) continue;
      if (above.some((folder) => foundIn(folder, source, fs))) sources.push({ line: instruction.line, source });
    }
  }
  const holder = above.find((folder) => sources.length > 0 && sources.every((s) => foundIn(folder, s.source, fs)));
  return holder === undefined ? undefined : { holder, sources };
}

/** A source of `holder` as an Nx input: `{workspaceRoot}/<path>`, and for a folder, its files (a `**` glob). */
export function sourceAsInput(holder: string, source: string, fs: WorkspaceFs): string {
  const path = posix.join(holder, source);
  return `{workspaceRoot}/${path}${!WILDCARD.test(path) && fs.isDirectory(path) ? '/**/*' : ''}`;
}
