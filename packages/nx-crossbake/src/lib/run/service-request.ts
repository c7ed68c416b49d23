import type { MultiarchExecutorSchema } from '../../executors/multiarch/schema';
import type { ProjectRef } from '../options/normalize';
import type { ServiceResult } from '../results/service-result';

export interface ServiceRequest {
  /** The Nx task id, e.g. `@acme/api:docker-multiarch`. */
  id: string;
  project: ProjectRef;
  options: MultiarchExecutorSchema;
}

/** The result of a request that was never sent to bake. */
export const rejected = (request: ServiceRequest, error: string): ServiceResult => ({
  project: request.project.name,
  status: 'invalid',
  platforms: request.options.platforms ?? [],
  tags: request.options.tags ?? [],
  push: request.options.push ?? false,
  load: request.options.load ?? false,
  error,
});
