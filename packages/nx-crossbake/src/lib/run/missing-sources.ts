/**
 * A build context that lacks what the Dockerfile copies, while a folder above it has it: BuildKit would fail
 * the build with `"/package.json": not found` (and, in one bake, after the other images started). Said before
 * building, for that task alone, with the context that holds them: usually a Dockerfile written for the
 * workspace root given its project's folder.
 */
import { posix } from 'node:path';
import { sourceAsInput, sourcesAboveContext, type WorkspaceFs } from '../dockerfile/context-sources';

const shown = (dir: string) => (dir === '.' ? `"." (the workspace root)` : `"${dir}"`);

/** The problem with a task's context, or undefined. `context` and `file` are workspace-relative; `target` the stage built. */
export function missingSourcesProblem(
  dockerfile: string,
  context: string,
  file: string,
  fs: WorkspaceFs,
  target?: string,
): string | undefined {
  const found = sourcesAboveContext(dockerfile, context, fs, target);
  if (!found) return undefined;
  const { holder, sources } = found;
  const listed = sources.map((s) => `${s.source} (line ${s.line})`).join(', ');
  const inputs = sources.map((s) => `"${sourceAsInput(holder, s.source, fs)}"`).join(', ');
  return (
    `${file} copies ${listed} from its build context '${posix.normalize(context)}', which does not have ${sources.length === 1 ? 'it' : 'them'}; ` +
    `${shown(holder)} does: set the target's "context": "${holder}" (its "file" stays ${file}), ` +
    `and add what the image reads from there to its "inputs" (${inputs})`
  );
}
