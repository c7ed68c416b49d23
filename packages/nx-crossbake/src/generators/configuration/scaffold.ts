import { joinPathFragments, type Tree } from '@nx/devkit';
import { ensureRootDockerignore } from '../lib/dockerignore-files';
import { dockerignore } from './templates/default-dockerignore';
import { goDockerfile } from './templates/go-dockerfile';
import { nodeDockerfile } from './templates/node-dockerfile';

interface ScaffoldResult {
  written: string[];
  /** Files that existed: the user's, left exactly as they were. */
  kept: string[];
}

/** Writes the Dockerfile and .dockerignore of `kind` into the project folder; an existing file is never overwritten. */
export function scaffoldDockerfile(
  tree: Tree,
  root: string,
  kind: 'node' | 'go',
  run: { project: string; targetName: string },
): ScaffoldResult {
  const files: Record<string, string> = {
    Dockerfile: kind === 'node' ? nodeDockerfile(run) : goDockerfile(run),
    '.dockerignore': dockerignore(kind),
  };
  const result: ScaffoldResult = { written: [], kept: [] };
  for (const [name, content] of Object.entries(files)) {
    const path = joinPathFragments(root, name);
    // A root project's folder is the root context: its .dockerignore is completed, as init does (and says so).
    if (path === '.dockerignore' && tree.exists(path) && ensureRootDockerignore(tree).length > 0) continue;
    if (tree.exists(path)) result.kept.push(path);
    else {
      tree.write(path, content);
      result.written.push(path);
    }
  }
  return result;
}
