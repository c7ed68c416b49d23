import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { compileDockerignore, parseDockerignore, type IgnorePattern } from '../dockerfile/dockerignore-matcher';
import type { ServiceOptions } from '../options/service-options';

/** BuildKit reads `<Dockerfile>.dockerignore` beside the Dockerfile in place of the context's `.dockerignore` when there is one. */
export function ignoreFileFor(service: Pick<ServiceOptions, 'context' | 'file'>, exists: (path: string) => boolean): string {
  const own = `${service.file}.dockerignore`;
  return exists(own) ? own : posix.join(service.context, '.dockerignore');
}

/** The ignore file BuildKit applies to a task's context, and its patterns compiled. */
export interface ContextIgnore {
  /** Workspace-relative, whether or not it exists. */
  file: string;
  exists: boolean;
  patterns: IgnorePattern[];
}

/**
 * The .dockerignore BuildKit applies to a task's context, read from the workspace. Throws BadPatternError for a
 * pattern BuildKit refuses (the build itself would fail).
 */
export function readContextIgnore(workspaceRoot: string, service: Pick<ServiceOptions, 'context' | 'file'>): ContextIgnore {
  const file = ignoreFileFor(service, (path) => existsSync(join(workspaceRoot, path)));
  let text: string | undefined;
  try {
    text = readFileSync(join(workspaceRoot, file), 'utf8');
  } catch {
    text = undefined;
  }
  return { file, exists: text !== undefined, patterns: compileDockerignore(parseDockerignore(text ?? '')) };
}
