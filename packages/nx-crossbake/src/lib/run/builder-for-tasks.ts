import type { SetupExecutorSchema } from '../options/schemas/setup';
import { normalizeBuilderSpec } from '../builder/builder-spec';
import { ensureBuilder, type SetupEnvironment } from '../builder/ensure-builder';
import { reachesHostLoopback, type BuilderInfo } from '../docker/builder-inspect';
import { forgetReadiness, readinessKey, readReadiness, recordReadiness } from '../builder/readiness';
import { binfmtOf } from '../builder/register-emulators';
import type { RegistryUsers } from '../builder/workspace-registries';
import type { BuilderRef } from '../docker/commands';
import type { DockerCli } from '../docker/docker-cli';
import { CrossbakeError } from '../core/errors';
import type { Env } from '../process/exec';
import type { ServiceOptions } from '../options/service-options';
import type { BuilderHintFacts } from '../results/hints';
import type { StateStore } from '../core/state-file';

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
  /** Check the builder even when an earlier run found it ready: the bake said it is not what the record says. */
  fresh?: boolean;
}

interface BuilderEnvironment extends SetupEnvironment {
  /** Where a builder found ready is recorded for later runs (lib/builder/readiness.ts); without it, every run checks. */
  state?: StateStore;
  /** The environment naming which docker and engine are used (part of the readiness key). */
  env?: Env;
}

export interface ReadyBuilder {
  ref: BuilderRef;
  /** Platforms the builder cannot build → why, with the fix. Empty when setup did not check (read-only, setup: false). */
  unavailable: Map<string, string>;
  /** What a failure's hint needs to know of the builder (lib/results/hints.ts `withRegistryHints`). */
  hint: BuilderHintFacts;
  /** Taken from an earlier run's check: the builder was not asked, so a bake that finds it otherwise may set it up again. */
  cached?: boolean;
}

const hintFacts = (builder: string, info: BuilderInfo): BuilderHintFacts => ({
  builder,
  driver: info.driver,
  reachesHostLoopback: reachesHostLoopback(info),
});

/**
 * Makes a builder ready for the services that use it (unless they all say setup: false) and tells how
 * to reach it: a docker-driver builder is a context. Once per builder per Nx process.
 * A builder the workspace has no setup target for is used as it is when it exists: only its platforms are
 * checked, never its configuration (the engine's `default` builder, one the user made).
 * A builder an earlier run found ready for the same request is taken as ready without asking it
 * (`cached`); a builder that cannot serve every platform asked is never recorded, so it is checked every run.
 * Throws only for what stops the whole builder; a platform it cannot build is in `unavailable`.
 */
export async function builderForTasks(cli: DockerCli, request: BuilderRequest, environment: BuilderEnvironment): Promise<ReadyBuilder> {
  const { builder, services } = request;
  const options = request.setupOptionsFor(builder);
  if (!request.readOnly && services.some((s) => s.setup)) {
    const platforms = [...new Set(services.flatMap((s) => s.platforms))];
    const { remove: _remove, 'remove-state': _removeState, ...setup } = options ?? {};
    // Without a setup target, the builder must serve what the projects ask, not the defaults' platforms.
    const spec = normalizeBuilderSpec({ ...setup, builder, ...(options === undefined && { platforms: [] }) }, platforms);
    const use = { registries: request.registriesFor?.(builder) ?? [], asIs: options === undefined };
    const { state } = environment;
    // One view of binfmt_misc for the key and the check: the run reads it once.
    const binfmt = binfmtOf(environment);
    const key = () =>
      readinessKey(
        { spec, registries: use.registries, asIs: use.asIs, emulated: binfmt.servedPlatforms(), workspaceRoot: environment.workspaceRoot },
        environment.env,
      );
    const known = state && !request.fresh ? readReadiness(state, builder, key(), platforms) : undefined;
    if (known) {
      return {
        ref: { name: builder, isContext: known.driver === 'docker' },
        unavailable: new Map(),
        hint: { builder, ...known },
        cached: true,
      };
    }
    const facts = await ensureBuilder(cli, spec, { ...environment, binfmt }, use);
    const hint = hintFacts(builder, facts.builder);
    if (state && facts.unavailable.size === 0) {
      // Keyed by binfmt_misc as setup left it (it may have registered emulators); every platform of the spec was
      // found served (the setup target's and the ones asked).
      recordReadiness(state, builder, key(), {
        driver: hint.driver,
        reachesHostLoopback: hint.reachesHostLoopback,
        platforms: spec.platforms,
      });
    } else if (state) {
      forgetReadiness(state, builder);
    }
    return { ref: { name: builder, isContext: facts.builder.driver === 'docker' }, unavailable: facts.unavailable, hint };
  }
  const info = await cli.inspectBuilder(builder);
  if (info) return { ref: { name: builder, isContext: info.driver === 'docker' }, unavailable: new Map(), hint: hintFacts(builder, info) };
  if (request.readOnly) {
    // Not created yet: say how it will be reached once setup has created it.
    const driver = options?.driver ?? 'docker-container';
    return {
      ref: { name: builder, isContext: driver === 'docker' },
      unavailable: new Map(),
      hint: { builder, driver, reachesHostLoopback: driver === 'docker' },
    };
  }
  throw new CrossbakeError(`builder '${builder}' does not exist: create it, or set 'setup: true' to let nx-crossbake manage it`);
}

/** Per task (`options.id`): why it cannot be built here, one line per unavailable platform it asks for. */
export function unavailablePlatformProblems(
  services: readonly ServiceOptions[],
  unavailable: ReadonlyMap<string, string>,
): Map<string, string> {
  const problems = new Map<string, string>();
  for (const service of services) {
    const reasons = [...new Set(service.platforms.flatMap((p) => unavailable.get(p) ?? []))];
    if (reasons.length > 0) problems.set(service.id, reasons.join('\n'));
  }
  return problems;
}
