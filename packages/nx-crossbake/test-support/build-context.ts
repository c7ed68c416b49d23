import { posix } from 'node:path';
import type { NodeContext } from '../src/generators/cross-compile/rewrite/node/node-step';

/** A build context holding `files` (context-relative paths), for the cross-compile rewrite. */
export function contextOf(files: Record<string, string>, outside: string[] = []): NodeContext {
  return {
    root: 'apps/web',
    outside,
    isFile: (path) => path in files,
    isDirectory: (path) => path === '.' || Object.keys(files).some((f) => f.startsWith(`${posix.normalize(path)}/`)),
    read: (path) => files[path],
  };
}
