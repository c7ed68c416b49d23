import { joinPathFragments, normalizePath, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { sourceAsInput, sourcesAboveContext, type WorkspaceFs } from '../../lib/dockerfile/context-sources';
import { detectHeavyTool, isNxBuild } from '../../lib/advisor/heavy-steps';
import { parseRunCommands } from '../../lib/advisor/run-commands';
import { parseDockerfileInstructions } from '../../lib/dockerfile/instructions';
import { imageTargetInputs } from '../../lib/graph/image-inputs';

/** What a build at the workspace root reads besides the project: manifests, lockfiles, Nx's and TypeScript's config. */
const ROOT_FILES = [
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  '.yarnrc.yml',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'bun.lock',
  'bun.lockb',
  '.npmrc',
  'nx.json',
  'tsconfig.base.json',
];

interface BuildContextChoice {
  /** Written to the target; undefined keeps the executor's default, the project folder. */
  context?: string;
  /** The target's inputs: the image's sources as Nx should hash them. */
  inputs: string[];
  /** Why the context was chosen, for the generator's message; undefined when it was given or left alone. */
  reason?: string;
}

/** The generator's tree as the context reader sees files; `.` is its root, which the tree does not list. */
function treeFs(tree: Tree): WorkspaceFs {
  const isDirectory = (path: string) => path === '.' || (tree.exists(path) && !tree.isFile(path));
  return {
    exists: (path) => path === '.' || tree.exists(path),
    isDirectory,
    list: (path) => (isDirectory(path) ? tree.children(path) : []),
  };
}

/** Nx run inside the image (`npx nx build api`, `./nx run api:build`), as the advisor reads it: it needs the workspace root. */
function runsNx(dockerfile: string): boolean {
  const { instructions, escape } = parseDockerfileInstructions(dockerfile);
  const lines = dockerfile.replace(/^\uFEFF/, '').split(/\r?\n/);
  return instructions.some(
    (i) => i.keyword === 'RUN' && parseRunCommands(i, lines, escape).some((words) => isNxBuild(detectHeavyTool(words))),
  );
}

/** The inputs of an image built from `context`: the project's and its dependencies' files, and what it reads above them. */
function inputsFor(context: string, projectRoot: string, extra: readonly string[], fs: WorkspaceFs): string[] {
  const inputs = imageTargetInputs();
  const insideProject = context === projectRoot || context.startsWith(`${projectRoot}/`);
  if (context === '.') inputs.push(...ROOT_FILES.filter((f) => fs.exists(f)).map((f) => `{workspaceRoot}/${f}`));
  else if (!insideProject) inputs.push(`{workspaceRoot}/${context}/**/*`);
  return [...new Set([...inputs, ...extra])];
}

/**
 * The context for a project's Dockerfile: `given` (--context) as written; else the nearest folder above the
 * project that holds what the Dockerfile copies and the project folder does not (usually the workspace root),
 * or the root when the Dockerfile runs nx; else none written.
 */
export function chooseBuildContext(tree: Tree, projectRoot: string, given: string | undefined): BuildContextChoice {
  const fs = treeFs(tree);
  const dockerfilePath = joinPathFragments(projectRoot, 'Dockerfile');
  const dockerfile = tree.exists(dockerfilePath) ? tree.read(dockerfilePath, 'utf-8')! : undefined;
  if (given !== undefined) {
    const context = normalizePath(posix.normalize(given)).replace(/\/+$/, '') || '.';
    if (context.startsWith('..') || posix.isAbsolute(context))
      throw new Error(
        `nx-crossbake:configuration: --context '${given}' must be a folder of the workspace, relative to its root (e.g. '.')`,
      );
    if (!fs.isDirectory(context)) throw new Error(`nx-crossbake:configuration: --context '${given}' is not a folder of the workspace`);
    const above = dockerfile && sourcesAboveContext(dockerfile, context, fs);
    if (above)
      throw new Error(
        `nx-crossbake:configuration: ${dockerfilePath} copies ${above.sources.map((s) => s.source).join(', ')}, which --context '${given}' does not have; '${above.holder}' does`,
      );
    return { context: context === projectRoot ? undefined : context, inputs: inputsFor(context, projectRoot, [], fs) };
  }
  if (dockerfile === undefined) return { inputs: imageTargetInputs() };
  const above = sourcesAboveContext(dockerfile, projectRoot, fs);
  if (above) {
    // What it copies from the project itself is {projectRoot}/**/* already.
    const inProject = (source: string) => `${posix.join(above.holder, source)}/`.startsWith(`${projectRoot}/`);
    const extra = above.sources.filter((s) => !inProject(s.source)).map((s) => sourceAsInput(above.holder, s.source, fs));
    const copied = [...new Set(above.sources.map((s) => s.source))].join(', ');
    return {
      context: above.holder,
      inputs: inputsFor(above.holder, projectRoot, extra, fs),
      reason: `${dockerfilePath} copies ${copied} from ${above.holder === '.' ? 'the workspace root' : `'${above.holder}'`}`,
    };
  }
  if (runsNx(dockerfile))
    return {
      context: '.',
      inputs: inputsFor('.', projectRoot, [], fs),
      reason: `${dockerfilePath} runs nx, which needs the workspace root`,
    };
  return { inputs: imageTargetInputs() };
}
