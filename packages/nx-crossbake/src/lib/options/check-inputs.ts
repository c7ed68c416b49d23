import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidOptionsError } from '../core/errors';
import type { Env } from '../process/exec';
import { secretSourceFiles } from './build-inputs';
import { localContextPath, parseSshSpec } from './csv-specs';
import type { ServiceOptions } from './service-options';

const kindOf = (path: string) => {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
};

/**
 * What buildx would otherwise refuse for the whole bake, reported for this project: a key or socket that
 * is not there, or an agent without SSH_AUTH_SOCK. Paths are resolved from the workspace root, where bake
 * runs, so absolute ones stay as written.
 */
function sshProblems(specs: readonly string[], workspaceRoot: string, env: Env): string[] {
  const problems: string[] = [];
  for (const { id, paths } of specs.filter((s) => s !== '').map(parseSshSpec)) {
    if (paths.length === 0) {
      const socket = env.SSH_AUTH_SOCK;
      if (!socket)
        problems.push(
          `ssh '${id}' forwards the ssh-agent from SSH_AUTH_SOCK, which is not set: start an agent (eval "$(ssh-agent)" and ssh-add) or give a key, e.g. ${id}=/path/to/key`,
        );
      else if (kindOf(resolve(workspaceRoot, socket)) === 'missing')
        problems.push(
          `ssh '${id}' forwards the ssh-agent at SSH_AUTH_SOCK (${socket}), which does not exist: start the agent again or give a key, e.g. ${id}=/path/to/key`,
        );
      continue;
    }
    for (const path of paths) {
      const kind = kindOf(resolve(workspaceRoot, path));
      if (kind !== 'file')
        problems.push(
          `ssh '${id}' key or agent socket '${path}' ${kind === 'missing' ? 'does not exist' : 'is a directory'}: point it at a private key file or an agent socket`,
        );
    }
  }
  return problems;
}

/** Checks that the Dockerfile, the build contexts, secret files and ssh keys exist, before anything is built. */
export function checkBuildInputs(options: ServiceOptions, workspaceRoot: string, env: Env = process.env): void {
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
    if (kindOf(resolve(workspaceRoot, src)) !== 'file')
      problems.push(`secret file '${src}' does not exist: create it or fix the secret's src`);
  }
  for (const [name, value] of Object.entries(options.buildContexts)) {
    // A missing folder would stop the whole bake: it is this project's problem, found before building.
    const path = localContextPath(value);
    if (path !== undefined && kindOf(resolve(workspaceRoot, path)) !== 'directory') {
      problems.push(`build context '${name}' (${path}) is not a directory: create it or fix the value in 'build-contexts'`);
    }
  }
  problems.push(...sshProblems(options.ssh, workspaceRoot, env));
  if (problems.length > 0) throw new InvalidOptionsError(options.project, problems, options.id);
}
