import { logger, type Tree } from '@nx/devkit';
import {
  BadPatternError,
  compileDockerignore,
  keepsOut,
  parseDockerignore,
  type IgnorePattern,
} from '../../lib/dockerfile/dockerignore-matcher';
import { appendBlock } from './gitignore';

/**
 * What a build context at the workspace root (`"context": "."`) must not send. Nx's `.nx/` and the
 * plugin's reports in `dist/nx-crossbake/` change on every run, and `.git` on every commit: inside the
 * context, they make `COPY . …` and every step after it run again each time. node_modules is installed
 * for this machine, not for the image's platforms. Only the plugin's part of `dist/`: Nx images often COPY
 * their build output from there.
 */
export const ROOT_CONTEXT_IGNORES = ['.git', '.nx', 'tmp', 'dist/nx-crossbake', 'node_modules'];

const COMMENT =
  '# nx-crossbake: kept out of root build contexts (.nx/ and dist/nx-crossbake/ change on every run and would undo the build cache)';

const namesPath = (p: IgnorePattern, path: string) =>
  p.exclusion && (p.text === path || p.text.startsWith(`${path}/`) || path.startsWith(`${p.text}/`));

interface DockerignoreUpdate {
  text: string;
  added: string[];
  /** The file has a pattern we cannot read (BuildKit refuses it, or it uses RE2 syntax we do not emulate): nothing was added. */
  malformed?: string;
}

/**
 * .dockerignore text that keeps every one of `paths` out of the context, judged by BuildKit's own matching:
 * only what the file does not already exclude is appended, after everything (the last matching line wins).
 * A path the file re-includes by name with `!` (itself, a parent, or something inside it) was the user's
 * choice, and is left alone; an exception with wildcards (every .ts file, say) is not about it.
 */
export function withDockerignores(text: string, paths: readonly string[]): DockerignoreUpdate {
  let patterns;
  try {
    patterns = compileDockerignore(parseDockerignore(text));
  } catch (e) {
    if (e instanceof BadPatternError)
      return { text, added: [], malformed: e.unsupported ? e.message : `${e.message}, which BuildKit refuses too` };
    throw e;
  }
  const added = paths.filter((path) => !keepsOut(patterns, path) && !patterns.some((p) => namesPath(p, path)));
  return { text: appendBlock(text, COMMENT, added), added };
}

/**
 * The workspace root's .dockerignore, read by every build whose context is the root (`"context": "."`):
 * created, or completed with what it lacks of ROOT_CONTEXT_IGNORES. Never rewritten otherwise. Returns what it added.
 */
export function ensureRootDockerignore(tree: Tree): string[] {
  const existed = tree.exists('.dockerignore');
  const { text, added, malformed } = withDockerignores(existed ? tree.read('.dockerignore', 'utf-8')! : '', ROOT_CONTEXT_IGNORES);
  if (malformed) {
    logger.warn(`nx-crossbake: .dockerignore left as it is: ${malformed}. Fix it, then add ${ROOT_CONTEXT_IGNORES.join(', ')}`);
    return [];
  }
  if (added.length === 0) return added;
  tree.write('.dockerignore', text);
  logger.info(
    `nx-crossbake: ${existed ? '.dockerignore now excludes' : 'wrote .dockerignore, for builds whose context is the workspace root: it excludes'} ${added.join(', ')}`,
  );
  return added;
}
