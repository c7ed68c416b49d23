import type { MultiarchExecutorSchema } from '../options/schemas/multiarch';
import { DEFAULT_TARGET } from '../core/executor-names';
import type { ProjectRef } from '../options/normalize';
import type { ServiceResult } from '../results/service-result';

export interface ServiceRequest {
  /** The Nx task id, e.g. `@acme/api:docker-multiarch`. */
  id: string;
  /** The project, with the task's target name (`targetName`). */
  project: ProjectRef;
  options: MultiarchExecutorSchema;
}

const stringsOrEmpty = (value: unknown): string[] => (Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : []);

/** The result of a request that was never sent to bake. */
export const rejected = (request: ServiceRequest, error: string): ServiceResult => ({
  task: request.id,
  project: request.project.name,
  targetName: request.project.targetName ?? DEFAULT_TARGET,
  status: 'invalid',
  // The options as written, which may be exactly what was wrong with them: shown only when well-formed.
  platforms: stringsOrEmpty(request.options.platforms),
  tags: stringsOrEmpty(request.options.tags),
  push: request.options.push === true,
  load: request.options.load === true,
  error,
});
