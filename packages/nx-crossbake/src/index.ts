export { createDependencies } from './plugins/image-dependencies';
export { createNodes, createNodesV2, type CrossbakePluginOptions } from './plugins/inferred-targets';
export type { MultiarchExecutorSchema } from './lib/options/schemas/multiarch';
export type { SetupExecutorSchema } from './lib/options/schemas/setup';
export type { AffectedExecutorSchema } from './lib/options/schemas/affected';
export type { ServiceResult, ServiceStatus } from './lib/results/service-result';
export type { BakeDefinition, BakeTarget } from './lib/docker/bake-file';
export { getBakeDefinition } from './lib/bake/definition';
export { assignTargetNames } from './lib/bake/target-names';
