import type { ExecutorContext } from '@nx/devkit';
import type { ServiceRequest } from '../../lib/run/build-services';
import type { MultiarchExecutorSchema } from './schema';

/** Turns one Nx task into a build request. */
export function toServiceRequest(
  id: string,
  projectName: string,
  options: MultiarchExecutorSchema,
  context: ExecutorContext,
): ServiceRequest {
  const project = context.projectsConfigurations.projects[projectName];
  if (!project) throw new Error(`nx-crossbake: project '${projectName}' is not in the workspace`);
  return { id, project: { name: projectName, root: project.root }, options };
}
