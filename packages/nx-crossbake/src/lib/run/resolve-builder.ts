import type { SetupExecutorSchema } from '../../executors/setup/schema';
import { normalizeBuilderSpec } from '../builder/builder-spec';
import { ensureBuilder, type SetupEnvironment } from '../builder/ensure-builder';
import type { BuilderRef } from '../docker/commands';
import type { DockerCli } from '../docker/docker-cli';
import { CrossbakeError } from '../errors';
import type { ServiceOptions } from '../options/service-options';

export interface BuilderRequest {
  builder: string;
  services: readonly ServiceOptions[];
  setupOptionsFor: (builder: string) => SetupExecutorSchema | undefined;
  /** Only look: make no change (print / dry run). */
  readOnly: boolean;
}

/**
 * Makes a builder ready for the services that use it (unless they all say setup: false) and tells how
 * to reach it: a docker-driver builder is a context. Once per builder per Nx process.
 */
export async function resolveBuilder(cli: DockerCli, request: BuilderRequest, environment: SetupEnvironment): Promise<BuilderRef> {
  const { builder, services } = request;
  if (!request.readOnly && services.some((s) => s.setup)) {
    const platforms = [...new Set(services.flatMap((s) => s.platforms))];
    const { remove: _remove, 'remove-state': _removeState, ...setup } = request.setupOptionsFor(builder) ?? {};
    const facts = await ensureBuilder(cli, normalizeBuilderSpec({ ...setup, builder }, platforms), environment);
    return { name: builder, isContext: facts.builder.driver === 'docker' };
  }
  const info = await cli.inspectBuilder(builder);
  if (info) return { name: builder, isContext: info.driver === 'docker' };
  if (request.readOnly) {
    // Not created yet: say how it will be reached once setup has created it.
    return { name: builder, isContext: (request.setupOptionsFor(builder)?.driver ?? 'docker-container') === 'docker' };
  }
  throw new CrossbakeError(`builder '${builder}' does not exist: create it, or set 'setup: true' to let nx-crossbake manage it`);
}
