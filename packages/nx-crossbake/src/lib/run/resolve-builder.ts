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

export interface ResolvedBuilder {
  ref: BuilderRef;
  /** Platforms the builder cannot build → why, with the fix. Empty when setup did not check (read-only, setup: false). */
  unavailable: Map<string, string>;
}

/**
 * Makes a builder ready for the services that use it (unless they all say setup: false) and tells how
 * to reach it: a docker-driver builder is a context. Once per builder per Nx process.
 * Throws only for what stops the whole builder; a platform it cannot build is in `unavailable`.
 */
export async function resolveBuilder(cli: DockerCli, request: BuilderRequest, environment: SetupEnvironment): Promise<ResolvedBuilder> {
  const { builder, services } = request;
  if (!request.readOnly && services.some((s) => s.setup)) {
    const platforms = [...new Set(services.flatMap((s) => s.platforms))];
    const { remove: _remove, 'remove-state': _removeState, ...setup } = request.setupOptionsFor(builder) ?? {};
    const facts = await ensureBuilder(cli, normalizeBuilderSpec({ ...setup, builder }, platforms), environment);
    return { ref: { name: builder, isContext: facts.builder.driver === 'docker' }, unavailable: facts.unavailable };
  }
  const info = await cli.inspectBuilder(builder);
  if (info) return { ref: { name: builder, isContext: info.driver === 'docker' }, unavailable: new Map() };
  if (request.readOnly) {
    // Not created yet: say how it will be reached once setup has created it.
    const isContext = (request.setupOptionsFor(builder)?.driver ?? 'docker-container') === 'docker';
    return { ref: { name: builder, isContext }, unavailable: new Map() };
  }
  throw new CrossbakeError(`builder '${builder}' does not exist: create it, or set 'setup: true' to let nx-crossbake manage it`);
}

/** Per task (`options.id`): why it cannot be built here, one line per unavailable platform it asks for. */
export function unavailablePlatformProblems(services: readonly ServiceOptions[], unavailable: ReadonlyMap<string, string>): Map<string, string> {
  const problems = new Map<string, string>();
  for (const service of services) {
    const reasons = [...new Set(service.platforms.flatMap((p) => unavailable.get(p) ?? []))];
    if (reasons.length > 0) problems.set(service.id, reasons.join('\n'));
  }
  return problems;
}
