import type { SetupExecutorSchema } from '../../executors/setup/schema';
import { normalizeBuilderSpec } from '../builder/builder-spec';
import { ensureBuilder, type SetupEnvironment } from '../builder/ensure-builder';
import { reachesHostLoopback, type BuilderInfo } from '../builder/inspect';
import type { RegistryUsers } from '../builder/workspace-registries';
import type { BuilderRef } from '../docker/commands';
import type { DockerCli } from '../docker/docker-cli';
import { CrossbakeError } from '../errors';
import type { ServiceOptions } from '../options/service-options';
import type { BuilderHintFacts } from '../results/hints';

export interface BuilderRequest {
  builder: string;
  services: readonly ServiceOptions[];
  setupOptionsFor: (builder: string) => SetupExecutorSchema | undefined;
  /**
   * The registries the workspace's multiarch targets on a builder use (tasks.ts `workspaceRegistriesFinder`),
   * from which host networking and insecure registries are decided, as `docker-setup` decides them.
   * Without it, a run plans the builder as if the workspace used no registry.
   */
  registriesFor?: (builder: string) => readonly RegistryUsers[];
  /** Only look: make no change (print / dry run). */
  readOnly: boolean;
}

export interface ResolvedBuilder {
  ref: BuilderRef;
  /** Platforms the builder cannot build → why, with the fix. Empty when setup did not check (read-only, setup: false). */
  unavailable: Map<string, string>;
  /** What a failure's hint needs to know of the builder (lib/results/hints.ts `withRegistryHints`). */
  hint: BuilderHintFacts;
}

const hintFacts = (builder: string, info: BuilderInfo): BuilderHintFacts => ({ builder, driver: info.driver, reachesHostLoopback: reachesHostLoopback(info) });

/**
 * Makes a builder ready for the services that use it (unless they all say setup: false) and tells how
 * to reach it: a docker-driver builder is a context. Once per builder per Nx process.
 * A builder the workspace has no setup target for is used as it is when it exists: only its platforms are
 * checked, never its configuration (the engine's `default` builder, one the user made).
 * Throws only for what stops the whole builder; a platform it cannot build is in `unavailable`.
 */
export async function resolveBuilder(cli: DockerCli, request: BuilderRequest, environment: SetupEnvironment): Promise<ResolvedBuilder> {
  const { builder, services } = request;
  const options = request.setupOptionsFor(builder);
  if (!request.readOnly && services.some((s) => s.setup)) {
    const platforms = [...new Set(services.flatMap((s) => s.platforms))];
    const { remove: _remove, 'remove-state': _removeState, ...setup } = options ?? {};
    // Without a setup target, the builder must serve what the projects ask, not the defaults' platforms.
    const spec = normalizeBuilderSpec({ ...setup, builder, ...(options === undefined && { platforms: [] }) }, platforms);
    const use = { registries: request.registriesFor?.(builder) ?? [], asIs: options === undefined };
    const facts = await ensureBuilder(cli, spec, environment, use);
    return { ref: { name: builder, isContext: facts.builder.driver === 'docker' }, unavailable: facts.unavailable, hint: hintFacts(builder, facts.builder) };
  }
  const info = await cli.inspectBuilder(builder);
  if (info) return { ref: { name: builder, isContext: info.driver === 'docker' }, unavailable: new Map(), hint: hintFacts(builder, info) };
  if (request.readOnly) {
    // Not created yet: say how it will be reached once setup has created it.
    const driver = options?.driver ?? 'docker-container';
    return { ref: { name: builder, isContext: driver === 'docker' }, unavailable: new Map(), hint: { builder, driver, reachesHostLoopback: driver === 'docker' } };
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
