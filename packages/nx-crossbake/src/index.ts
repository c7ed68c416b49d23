export { createDependencies } from './plugins/image-dependencies';
export { createNodes, createNodesV2, type CrossbakePluginOptions } from './plugins/inferred-targets';
export type { MultiarchExecutorSchema } from './executors/multiarch/schema';
export type { SetupExecutorSchema } from './executors/setup/schema';
export type { AffectedExecutorSchema } from './executors/affected/schema';
export type { ServiceResult, ServiceStatus } from './lib/results/service-result';
export type { BakeDefinition, BakeTarget } from './types/bake';
export { getBakeDefinition } from './lib/bake/definition';
export { assignTargetNames } from './lib/bake/target-names';
