import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { DockerCli } from '../docker/docker-cli';
import { CrossbakeError, InvalidOptionsError } from '../core/errors';
import { parseDockerfileImageRefs } from '../dockerfile/image-refs';
import { checkBuildInputs } from '../options/check-inputs';
import { normalizeOptions, type RunFacts } from '../options/normalize';
import type { ServiceOptions } from '../options/service-options';
import type { ServiceResult } from '../results/service-result';
import type { WorkspaceFs } from '../dockerfile/context-sources';
import { missingSourcesProblem } from './missing-sources';
import { rejected, type ServiceRequest } from './service-request';

export interface PreparedService {
  request: ServiceRequest;
  options: ServiceOptions;
  dockerfile: string;
  /** The images its Dockerfile builds FROM, with its build-args applied. */
  dockerfileRefs: string[];
}

/**
 * Asks the engine what only it can say, once for the whole run, and only when a task needs it; a problem per
 * service it cannot serve. Whether docker and buildx are there at all is said by the first command that
 * finds them missing (DockerCli), not by a command run to check.
 */
async function checkEngine(cli: DockerCli, services: ServiceOptions[]): Promise<Map<string, string>> {
  const problems = new Map<string, string>();
  const multiLoad = services.filter((s) => s.load && s.platforms.length > 1);
  if (multiLoad.length > 0 && !(await cli.usesContainerdStore())) {
    for (const s of multiLoad) {
      problems.set(
        s.id,
        `'load: true' with ${s.platforms.length} platforms needs an engine with the containerd image store ` +
          `("features": {"containerd-snapshotter": true} in daemon.json); otherwise load one platform or use 'push'`,
      );
    }
  }
  return problems;
}

/**
 * Everything checked before anything is built: each project's options and inputs, then the engine.
 * Returns the services fit to build, and a result for every request that is not.
 */
/** `{version}`: the version nx release gave, else the project's package.json. */
function projectVersion(workspaceRoot: string, request: ServiceRequest): string | undefined {
  if (request.project.version) return request.project.version;
  try {
    const version = (JSON.parse(readFileSync(join(workspaceRoot, request.project.root, 'package.json'), 'utf8')) as { version?: unknown })
      .version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

function workspaceFs(root: string): WorkspaceFs {
  const stat = (path: string) => statSync(join(root, path), { throwIfNoEntry: false });
  return {
    exists: (path) => stat(path) !== undefined,
    isDirectory: (path) => stat(path)?.isDirectory() ?? false,
    list: (path) => (stat(path)?.isDirectory() ? readdirSync(join(root, path)) : []),
  };
}

export async function prepareServices(
  cli: DockerCli,
  workspaceRoot: string,
  requests: readonly ServiceRequest[],
  facts: RunFacts,
): Promise<{ ready: PreparedService[]; rejections: Map<string, ServiceResult> }> {
  const rejections = new Map<string, ServiceResult>();
  const ready: PreparedService[] = [];
  for (const request of requests) {
    try {
      const options = normalizeOptions(
        request.options,
        { ...request.project, taskId: request.id, version: projectVersion(workspaceRoot, request) },
        facts,
      );
      checkBuildInputs(options, workspaceRoot);
      const dockerfile = readFileSync(join(workspaceRoot, options.file), 'utf8');
      const context = isAbsolute(options.context) ? relative(workspaceRoot, options.context) : options.context;
      const missing = context.startsWith('..')
        ? undefined
        : missingSourcesProblem(dockerfile, context, options.file, workspaceFs(workspaceRoot), options.target);
      if (missing) throw new InvalidOptionsError(options.project, [missing], options.id);
      ready.push({ request, options, dockerfile, dockerfileRefs: parseDockerfileImageRefs(dockerfile, options.buildArgs) });
    } catch (e) {
      if (!(e instanceof CrossbakeError)) throw e;
      rejections.set(request.id, rejected(request, e.message));
    }
  }

  let engineProblems = new Map<string, string>();
  try {
    if (ready.length > 0)
      engineProblems = await checkEngine(
        cli,
        ready.map((r) => r.options),
      );
  } catch (e) {
    if (!(e instanceof CrossbakeError)) throw e;
    for (const { options } of ready) engineProblems.set(options.id, e.message);
  }
  for (const { request, options } of ready) {
    const problem = engineProblems.get(options.id);
    if (problem) rejections.set(request.id, rejected(request, problem));
  }
  return { ready: ready.filter((r) => !rejections.has(r.request.id)), rejections };
}
