import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildkitdConfigDir } from '../core/private-dirs';
import type { DockerCli } from '../docker/docker-cli';
import { CrossbakeError } from '../core/errors';
import { planBuilder, type BuilderPlan } from './builder-plan';
import { firstNodePlatforms, type BuilderSpec } from './builder-spec';
import { builderDrift } from './drift';
import { canEmulate, EMULATOR_NAMES } from './emulation';
import { missingPlatforms, type BuilderInfo } from '../docker/builder-inspect';
import { lockPath, waitingLogged, withLock } from '../core/lock';
import { forgetReadiness } from './readiness';
import { ensureEmulators, installLine, noEmulators, usesLocalEmulators, type EmulatorEnvironment } from './register-emulators';
import type { RegistryUsers } from './workspace-registries';
import type { StateStore } from '../core/state-file';

const builderLock = (name: string) => lockPath(`builder-${name}`);

export interface SetupEnvironment extends EmulatorEnvironment {
  workspaceRoot: string;
  /** Where runs record a builder found ready (readiness.ts): a builder created or recreated here is forgotten there. */
  state?: StateStore;
}

/** What the workspace says about the builder, beyond its setup options. */
export interface WorkspaceUse {
  /**
   * Registries the workspace's multiarch targets on this builder use (tasks.ts `workspaceRegistriesFinder`):
   * host networking and insecure registries are decided from them. Give the same in setup and in runs.
   */
  registries?: readonly RegistryUsers[];
  /** No setup target configures this builder: an existing one is used as it is, only its platforms checked. */
  asIs?: boolean;
}

/** What setup found and did: returned as a value, so callers report it and argv stays pure. */
interface BuilderFacts {
  builder: BuilderInfo;
  created: boolean;
  recreated: boolean;
  emulatorsInstalled: string[];
  /** The digest (`sha256:…`) of the emulator installer that ran, when one ran. */
  installerDigest?: string;
  /** Differences between the existing builder and the options, when not recreated. */
  drift: string[];
  /** Platforms of the spec this builder cannot build → why, with the fix. Other OSes are never here: see isLinuxPlatform. */
  unavailable: Map<string, string>;
  /** Why the builder has host networking, when `network: auto` chose it. */
  hostNetworkReason?: string;
}

/** The plan, with the one `docker info` a docker-container builder on the local engine needs. */
async function planFor(cli: DockerCli, spec: BuilderSpec, env: SetupEnvironment, use: WorkspaceUse): Promise<BuilderPlan> {
  const engine = spec.driver === 'docker-container' && !spec.endpoint ? await cli.registryConfig() : undefined;
  return planBuilder(spec, { workspaceRoot: env.workspaceRoot, registries: use.registries ?? [], engine });
}

/** The buildkitd.toml the plan gives, as text (the user's file read now); undefined when none or unreadable. */
function plannedConfig(plan: BuilderPlan): string | undefined {
  if (plan.buildkitdConfig?.text !== undefined) return plan.buildkitdConfig.text;
  try {
    return plan.buildkitdConfig?.file ? readFileSync(plan.buildkitdConfig.file, 'utf8') : undefined;
  } catch {
    return undefined; // buildx says so at create time; drift claims nothing
  }
}

function writeBuildkitdConfig(spec: BuilderSpec, plan: BuilderPlan, workspaceRoot: string): string | undefined {
  if (plan.buildkitdConfig?.file) return plan.buildkitdConfig.file;
  if (plan.buildkitdConfig?.text === undefined) return undefined;
  const path = join(buildkitdConfigDir(workspaceRoot), `buildkitd-${spec.name}.toml`);
  writeFileSync(path, plan.buildkitdConfig.text);
  return path;
}

async function createBuilder(cli: DockerCli, spec: BuilderSpec, plan: BuilderPlan, workspaceRoot: string): Promise<boolean> {
  if (spec.driver === 'docker') {
    const host = spec.endpoint ?? (await cli.contextHost());
    return (await cli.createContextBuilder(spec.name, host)) === 'created';
  }
  const config = writeBuildkitdConfig(spec, plan, workspaceRoot);
  const created = await cli.createBuilder({
    name: spec.name,
    driver: spec.driver,
    driverOpts: plan.driverOpts,
    platforms: spec.nodes.length > 0 ? firstNodePlatforms(spec) : [],
    buildkitdConfigFile: config,
    endpoint: spec.endpoint,
  });
  for (const node of plan.nodes) {
    await cli.appendNode({
      builder: spec.name,
      node: node.name,
      driverOpts: node.driverOpts,
      platforms: node.platforms,
      buildkitdConfigFile: config,
      endpoint: node.endpoint,
    });
  }
  return created === 'created';
}

const BOOT_ATTEMPTS = 20;
const BOOT_POLL_MS = 500;

/**
 * `inspect --bootstrap` until every node lists its platforms. While another process is still creating or
 * booting the builder, a node can answer with none ("serves nothing"): that is a moment, not the builder's
 * answer, so it is asked again for up to ten seconds before what it lists is taken as the truth.
 */
async function inspectBooted(cli: DockerCli, name: string): Promise<BuilderInfo | undefined> {
  for (let attempt = 1; ; attempt++) {
    const info = await cli.inspectBuilder(name, true);
    if (!info || info.nodes.every((n) => n.platforms.length > 0) || attempt >= BOOT_ATTEMPTS) return info;
    await new Promise((resolve) => setTimeout(resolve, BOOT_POLL_MS));
  }
}

export async function removeBuilder(cli: DockerCli, spec: BuilderSpec, removeState: boolean, state?: StateStore): Promise<boolean> {
  return withLock(builderLock(spec.name), async () => {
    if (state) forgetReadiness(state, spec.name);
    const info = await cli.inspectBuilder(spec.name);
    if (!info) return false;
    await cli.removeBuilder(builderRef(spec.name, info), { keepState: !removeState });
    return true;
  });
}

/** How docker reaches the builder: a docker-driver builder is a context. */
const builderRef = (name: string, info: BuilderInfo) => ({ name, isContext: info.driver === 'docker' });

/** Why the builder cannot build `platform`, with the ways out. */
function unservedReason(
  cli: DockerCli,
  spec: BuilderSpec,
  driver: string,
  served: string,
  platform: string,
  emulatorProblem: string | undefined,
): string {
  const elsewhere = `add a native node for it in the setup target's 'nodes', or drop it from 'platforms'`;
  const head = `builder '${spec.name}' cannot build ${platform}`;
  if (!usesLocalEmulators(driver)) {
    const where =
      driver === 'remote'
        ? "on the BuildKit daemon's host, then restart that daemon"
        : "on the cluster's nodes, then restart the BuildKit pods";
    return `${head} (it serves ${served}): a ${driver} builder runs no emulator of this machine, so nx-crossbake installs none here; register QEMU ${where}, or ${elsewhere}`;
  }
  if (emulatorProblem) return `${head}: ${emulatorProblem}; or ${elsewhere}`;
  if (!canEmulate(platform))
    return `${head} (it serves ${served}), and QEMU has no emulator for it (tonistiigi/binfmt knows ${EMULATOR_NAMES.join(', ')}): ${elsewhere}`;
  return `${head} (it serves ${served}): register QEMU for it (\`${installLine(cli, spec.qemuImage, [platform])}\`), ${elsewhere}`;
}

/**
 * Makes the named builder ready for spec.platforms: emulators first (BuildKit detects them when it
 * starts), then the builder, created once under a machine-wide lock, then a bootstrap that lists what it
 * serves. The quick path (everything in place) takes no lock and changes nothing.
 * A platform it cannot serve is returned in `unavailable`, so only the projects asking for it fail; what
 * stops the whole builder (it cannot be created, it disappeared) throws.
 */
export async function ensureBuilder(
  cli: DockerCli,
  spec: BuilderSpec,
  env: SetupEnvironment,
  use: WorkspaceUse = {},
): Promise<BuilderFacts> {
  const existing = await cli.inspectBuilder(spec.name);
  const asIs = Boolean(existing && use.asIs);
  const driver = asIs ? existing!.driver : spec.driver;
  // A builder used as it is is not ours to plan: only its platforms are checked.
  const plan = asIs ? undefined : await planFor(cli, spec, env, use);
  const emulators = usesLocalEmulators(driver) ? await ensureEmulators(cli, spec, env) : noEmulators();
  let created = false;
  let recreated = false;
  const driftOf = (info: BuilderInfo) => (plan ? builderDrift(spec, plan, info, plannedConfig(plan)) : []);

  let drift = existing ? driftOf(existing) : [];
  if (plan && (!existing || (drift.length > 0 && spec.recreate))) {
    await withLock(
      builderLock(spec.name),
      async () => {
        const current = await cli.inspectBuilder(spec.name);
        const currentDrift = current ? driftOf(current) : [];
        if (current && spec.recreate && currentDrift.length > 0) {
          env.log(`nx-crossbake: recreating builder '${spec.name}': ${currentDrift.join('; ')}`);
          await cli.removeBuilder(builderRef(spec.name, current), { keepState: true });
          recreated = true;
        } else if (current) {
          return; // another process created it while we waited
        }
        // Whatever a run recorded of the builder this replaces no longer holds.
        if (env.state) forgetReadiness(env.state, spec.name);
        created = await createBuilder(cli, spec, plan, env.workspaceRoot);
        if (created && !recreated) env.log(`nx-crossbake: created builder '${spec.name}' (driver ${spec.driver})`);
        if ((created || recreated) && plan.hostNetworkReason) env.log(`nx-crossbake: ${plan.hostNetworkReason}`);
      },
      waitingLogged(env.log),
    );
    drift = [];
  }
  if (drift.length > 0) {
    // The exact fix: the next run creates a missing builder from the options, BuildKit's cache kept.
    const remove = cli.removeBuilderCommandLine(spec.name, { keepState: true, isContext: builderRef(spec.name, existing!).isContext });
    const fix = `to rebuild it from its options, run \`${remove}\` (the next run creates it, its build cache kept), or set recreate: true`;
    for (const d of drift) env.log(`nx-crossbake: warning: builder '${spec.name}' differs from its options: ${d} (${fix})`);
  }

  let builder = await inspectBooted(cli, spec.name);
  // BuildKit lists emulators it found when it started: restart one that predates the emulators we added.
  if (builder && emulators.installed.length > 0 && driver === 'docker-container' && missingPlatforms(builder, spec.platforms).length > 0) {
    await cli.stopBuilder(spec.name);
    builder = await inspectBooted(cli, spec.name);
  }
  if (!builder) throw new CrossbakeError(`builder '${spec.name}' disappeared while it was being set up: run again`);
  // What the builder lists is the truth: it may serve a platform whose emulator we could not register
  // (BuildKit's own QEMU, a remote node), and an emulator we registered does not prove it serves one.
  const served = [...new Set(builder.nodes.flatMap((n) => n.platforms))].join(', ') || 'nothing';
  const unavailable = new Map(
    missingPlatforms(builder, spec.platforms).map((p) => [
      p,
      unservedReason(cli, spec, builder!.driver, served, p, emulators.problems.get(p)),
    ]),
  );
  return {
    builder,
    created,
    recreated,
    emulatorsInstalled: emulators.installed,
    installerDigest: emulators.installerDigest,
    drift,
    unavailable,
    hostNetworkReason: plan?.hostNetworkReason,
  };
}
