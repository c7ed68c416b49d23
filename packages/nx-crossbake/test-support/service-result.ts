import type { ServiceResult } from '../src/lib/results/service-result';

/** A built, pushed result of `api:docker-multiarch` for two platforms, with the fields a spec sets. */
export const serviceResult = (overrides: Partial<ServiceResult>): ServiceResult => ({
  task: `${overrides.project ?? 'api'}:docker-multiarch`,
  targetName: 'docker-multiarch',
  project: 'api',
  status: 'built',
  platforms: ['linux/amd64', 'linux/arm64'],
  tags: ['r/api:1'],
  push: true,
  load: false,
  ...overrides,
});
