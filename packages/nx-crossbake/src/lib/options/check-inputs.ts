import { statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidOptionsError } from '../errors';
import { secretSourceFiles } from './build-inputs';
import type { ServiceOptions } from './service-options';

const kindOf = (path: string) => {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
};

/** Checks that the Dockerfile and the build context exist, before anything is built. */
export function checkBuildInputs(options: ServiceOptions, workspaceRoot: string): void {
  const problems: string[] = [];
  const file = kindOf(join(workspaceRoot, options.file));
  if (file !== 'file') {
    problems.push(
      file === 'missing'
        ? `Dockerfile '${options.file}' does not exist: create it or point 'file' at the project's Dockerfile`
        : `'file' (${options.file}) is a directory: point it at the Dockerfile itself`,
    );
  }
  if (kindOf(join(workspaceRoot, options.context)) !== 'directory') {
    problems.push(`build context '${options.context}' is not a directory: set 'context' to the folder to send to the build`);
  }
  for (const src of secretSourceFiles(options.secrets)) {
    if (kindOf(join(workspaceRoot, src)) !== 'file') problems.push(`secret file '${src}' does not exist: create it or fix the secret's src`);
  }
  if (problems.length > 0) throw new InvalidOptionsError(options.project, problems);
}
