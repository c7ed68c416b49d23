import type { ExecutorContext } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registriesOfBuilder, type RegistryUsers } from '../../lib/builder/workspace-registries';
import type { BuildServicesInput, ServiceRequest } from '../../lib/run/build-services';
import { isVerbose } from '../verbose';
import { CrossbakeError } from '../../lib/core/errors';
import setupSchema from '../../lib/options/schemas/setup.json';
import type { SetupExecutorSchema } from '../../lib/options/schemas/setup';
import type { MultiarchExecutorSchema } from '../../lib/options/schemas/multiarch';
import { SETUP_EXECUTOR } from '../../lib/core/executor-names';

/** Turns one Nx task into a build request, keyed by the task: a project may have several multiarch targets. */
export function toServiceRequest(
  id: string,
  target: { project: string; target: string },
  options: MultiarchExecutorSchema,
  context: ExecutorContext,
): ServiceRequest {
  const project = context.projectsConfigurations.projects[target.project];
  if (!project) throw new Error(`nx-crossbake: project '${target.project}' is not in the workspace`);
  return { id, project: { name: target.project, root: project.root, targetName: target.target }, options };
}

/**
 * The options of the workspace's `nx-crossbake:setup` target for a builder, so `multiarch` prepares the
 * builder exactly as `nx run <project>:docker-setup` would. Two targets configuring one builder is an error.
 */
function setupOptionsFinder(context: ExecutorContext): (builder: string) => SetupExecutorSchema | undefined {
  return (builder) => {
    const found: { id: string; options: SetupExecutorSchema }[] = [];
    for (const [project, config] of Object.entries(context.projectsConfigurations.projects)) {
      for (const [target, targetConfig] of Object.entries(config.targets ?? {})) {
        if (targetConfig.executor !== SETUP_EXECUTOR) continue;
        const options = (targetConfig.options ?? {}) as SetupExecutorSchema;
        if ((options.builder ?? setupSchema.properties.builder.default) === builder) found.push({ id: `${project}:${target}`, options });
      }
    }
    if (found.length > 1) {
      throw new CrossbakeError(
        `builder '${builder}' is configured by several setup targets (${found.map((f) => f.id).join(', ')}): keep one`,
      );
    }
    return found[0]?.options;
  };
}

/**
 * The registries every multiarch target of the workspace building on a builder uses (tags, caches, FROM
 * images of its Dockerfile, build contexts, logins), with the tasks using each: `docker-setup` and every
 * `multiarch` run read the same workspace, so they decide the builder's network and insecure registries alike.
 * Read once per builder per process.
 */
export function workspaceRegistriesFinder(context: ExecutorContext): (builder: string) => RegistryUsers[] {
  const found = new Map<string, RegistryUsers[]>();
  const readFile = (path: string) => readFileSync(join(context.root, path), 'utf8');
  return (builder) => {
    if (!found.has(builder)) found.set(builder, registriesOfBuilder(context.projectsConfigurations.projects, readFile, builder));
    return found.get(builder)!;
  };
}

/**
 * What every executor's run takes from the Nx context: where, which builder options and registries, default
 * branch, verbosity. (`registriesFor` goes on to builderForTasks's BuilderRequest.)
 */
export function runInputs(
  context: ExecutorContext,
): Pick<BuildServicesInput, 'workspaceRoot' | 'setupOptionsFor' | 'registriesFor' | 'defaultBranch' | 'verbose'> {
  return {
    workspaceRoot: context.root,
    setupOptionsFor: setupOptionsFinder(context),
    registriesFor: workspaceRegistriesFinder(context),
    defaultBranch: context.nxJsonConfiguration?.defaultBase,
    verbose: isVerbose(context),
  };
}
