export type { MultiarchExecutorSchema } from './executors/multiarch/schema';
export type { ServiceResult, ServiceStatus } from './lib/results/service-result';
export type { BakeDefinition, BakeTarget } from './types/bake';
export { getBakeDefinition } from './lib/bake/definition';
export { assignTargetNames } from './lib/bake/target-names';
