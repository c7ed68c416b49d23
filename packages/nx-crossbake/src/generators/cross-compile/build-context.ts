/**
 * The target's build context as the Node rewrite reads it: the files the Dockerfile's COPYs can reach, and
 * the lockfiles in folders above it, which the image never sees (a monorepo's root lockfile, say) and which
 * make a clearer reason than "no lockfile".
 */
import { posix } from 'node:path';
import type { Tree } from '@nx/devkit';
import { LOCKFILES as BY_MANAGER, type NodeContext } from './rewrite/node/node-step';

const LOCKFILES = Object.values(BY_MANAGER).flat();

/** `root` is workspace-relative, `.` for the workspace root. */
export function treeBuildContext(tree: Tree, root: string): NodeContext {
  const at = (path: string) => posix.normalize(posix.join(root, path));
  const outside: string[] = [];
  for (let dir = root; dir !== '.' && dir !== '/' && dir !== '';) {
    dir = posix.dirname(dir);
    for (const name of LOCKFILES) if (tree.isFile(posix.join(dir, name))) outside.push(posix.join(dir, name));
  }
  return {
    root,
    outside,
    isFile: (path) => tree.exists(at(path)) && tree.isFile(at(path)),
    isDirectory: (path) => tree.exists(at(path)) && !tree.isFile(at(path)),
    read: (path) => tree.read(at(path), 'utf-8') ?? undefined,
  };
}
