import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as commands from '../docker/commands';
import type { DockerCli } from '../docker/docker-cli';
import { CrossbakeError, DockerCommandError } from '../errors';
import { firstNodePlatforms, type BuilderSpec } from './builder-spec';
import { renderBuildkitdConfig } from './buildkitd-config';
import {
  BINFMT_DIR,
  byEmulator,
  canEmulate,
  EMULATOR_NAMES,
  emulatorInstallNames,
  entriesWithoutFixBinary,
  nativePlatforms,
  platformsNeedingEmulator,
  readBinfmtEntries,
  type BinfmtEntry,
} from './emulation';
import { missingPlatforms, type BuilderInfo } from './inspect';
import { lockPath, withLock } from './lock';

const builderLock = (name: string) => lockPath(`builder-${name}`);

export interface SetupEnvironment {
  workspaceRoot: string;
  log: (message: string) => void;
  /** What binfmt_misc has registered; replaced in tests. */
  readBinfmt?: () => BinfmtEntry[];
  /** Whether binfmt_misc can be seen from here at all (not in most CI job containers); replaced in tests. */
  binfmtVisible?: () => boolean;
  native?: string[];
}

/** What setup found and did: returned as a value, so callers report it and argv stays pure. */
export interface BuilderFacts {
  builder: BuilderInfo;
  created: boolean;
  recreated: boolean;
  emulatorsInstalled: string[];
  /** Differences between the existing builder and the options, when not recreated. */
  drift: string[];
  /** Platforms of the spec this builder cannot build → why, with the fix. Other OSes are never here: see isLinuxPlatform. */
  unavailable: Map<string, string>;
}

/** Differences between an existing builder and the spec that matter for where platforms are built. */
export function builderDrift(spec: BuilderSpec, info: BuilderInfo): string[] {
  const drift: string[] = [];
  if (info.driver !== spec.driver) drift.push(`its driver is '${info.driver}', the options ask for '${spec.driver}'`);
  for (const node of spec.nodes) {
    const found = info.nodes.find((n) => n.name === node.name);
    if (!found) drift.push(`node '${node.name}' (${node.platforms.join(', ')}) is missing`);
    else if (node.platforms.some((p) => !found.pinned.includes(p))) {
      drift.push(`node '${node.name}' is pinned to ${found.pinned.join(', ') || 'nothing'}, the options say ${node.platforms.join(', ')}`);
    }
  }
  return drift;
}

const installLine = (image: string, platforms: readonly string[]) =>
  ['docker', ...commands.getEmulatorInstallCommand(image, emulatorInstallNames(platforms))].join(' ');

/** What registering emulators did: what it registered, and why each platform it could not serve is missing. */
interface EmulatorOutcome {
  installed: string[];
  problems: Map<string, string>;
}

/**
 * Runs the installer for `platforms` and reports the ones still missing afterwards. binfmt_misc, read again,
 * is the truth: tonistiigi/binfmt exits 0 even when an emulator failed, and an installer may stop at the first.
 */
async function install(cli: DockerCli, image: string, platforms: string[], stillNeeded: () => string[]) {
  let failure: DockerCommandError | undefined;
  try {
    await cli.step(commands.getEmulatorInstallCommand(image, emulatorInstallNames(platforms)));
  } catch (e) {
    if (!(e instanceof DockerCommandError)) throw e;
    failure = e;
  }
  const missing = new Set(stillNeeded());
  return { failure, left: platforms.filter((p) => missing.has(p)) };
}

/** Registers what is missing; a failure belongs to the platforms of that emulator only. */
async function registerEmulators(cli: DockerCli, image: string, log: (m: string) => void, stillNeeded: () => string[]): Promise<EmulatorOutcome> {
  const problems = new Map<string, string>();
  const wanted = stillNeeded();
  if (wanted.length === 0) return { installed: [], problems };
  log(`nx-crossbake: registering QEMU for ${wanted.join(', ')} with ${image}`);
  let rounds = [await install(cli, image, wanted, stillNeeded)];
  // A failed command does not say which emulator it failed on: ask for each one alone to find out.
  const families = byEmulator(rounds[0].left);
  if (rounds[0].failure && families.length > 1) {
    rounds = [];
    for (const family of families) rounds.push(await install(cli, image, family, stillNeeded));
  }
  for (const { failure, left } of rounds) {
    for (const family of byEmulator(left)) {
      const problem = failure
        ? `registering QEMU for ${family.join(', ')} with ${image} failed (exit ${failure.exitCode}): ${failure.stderrTail || 'no output'}. ` +
          `Check that the image can be pulled and has these emulators ('qemu-image' option), or register them yourself`
        : `${image} did not register an emulator for ${family.join(', ')}: check /proc/sys/fs/binfmt_misc and the image`;
      for (const p of family) problems.set(p, problem);
    }
  }
  const left = new Set(stillNeeded());
  return { installed: wanted.filter((p) => !left.has(p)), problems };
}

async function ensureEmulators(cli: DockerCli, spec: BuilderSpec, env: SetupEnvironment): Promise<EmulatorOutcome> {
  const readBinfmt = env.readBinfmt ?? (() => readBinfmtEntries());
  const visible = env.binfmtVisible ?? (() => existsSync(join(BINFMT_DIR, 'register')));
  if (!env.readBinfmt && !visible()) {
    // A job container (GitLab's docker:dind, …) does not see the host's binfmt_misc: nothing to read or
    // verify here. The builder's own platform list, checked after bootstrap, still catches what is missing.
    env.log(`nx-crossbake: ${BINFMT_DIR} is not mounted here: QEMU is left to the engine's host (the builder check below still applies)`);
    return { installed: [], problems: new Map() };
  }
  const native = [...(env.native ?? nativePlatforms()), ...spec.nodes.flatMap((n) => n.platforms)];
  // What the installer has no emulator for is left to the builder check: a remote node may still serve it.
  const needed = () => platformsNeedingEmulator(spec.platforms, readBinfmt(), native).filter(canEmulate);
  for (const entry of entriesWithoutFixBinary(readBinfmt())) {
    env.log(`nx-crossbake: warning: binfmt entry '${entry.name}' lacks the F flag: builds in containers may fail with "exec format error"`);
  }
  const missing = needed();
  if (missing.length === 0) return { installed: [], problems: new Map() };
  if (!spec.installQemu) {
    const problems = new Map<string, string>();
    for (const family of byEmulator(missing)) {
      const problem = `no QEMU emulator is registered for ${family.join(', ')}: run \`${installLine(spec.qemuImage, family)}\` (or set install-qemu: true)`;
      for (const p of family) problems.set(p, problem);
    }
    return { installed: [], problems };
  }
  // Registering an entry that exists fails, so installs are serialised across every process of the machine.
  return withLock(lockPath('binfmt'), () => registerEmulators(cli, spec.qemuImage, env.log, needed));
}

function writeBuildkitdConfig(spec: BuilderSpec, workspaceRoot: string): string | undefined {
  if (spec.buildkitdConfigFile) return join(workspaceRoot, spec.buildkitdConfigFile);
  const toml = renderBuildkitdConfig(spec.buildkitd);
  if (!toml) return undefined;
  const dir = join(workspaceRoot, 'tmp', 'nx-crossbake');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `buildkitd-${spec.name}.toml`);
  writeFileSync(path, toml);
  return path;
}

async function createBuilder(cli: DockerCli, spec: BuilderSpec, workspaceRoot: string): Promise<boolean> {
  if (spec.driver === 'docker') {
    const host = spec.endpoint ?? (await cli.step(commands.getContextHostCommand())).trim();
    return (await cli.create(commands.getContextCreateCommand(spec.name, host))) === 'created';
  }
  const config = writeBuildkitdConfig(spec, workspaceRoot);
  const created = await cli.create(
    commands.getBuilderCreateCommand({
      name: spec.name,
      driver: spec.driver,
      driverOpts: spec.driverOpts,
      platforms: spec.nodes.length > 0 ? firstNodePlatforms(spec) : [],
      buildkitdConfigFile: config,
      endpoint: spec.endpoint,
    }),
  );
  for (const node of spec.nodes) {
    await cli.create(
      commands.getNodeAppendCommand({
        builder: spec.name,
        node: node.name,
        driverOpts: node.driverOpts,
        platforms: node.platforms,
        buildkitdConfigFile: config,
        endpoint: node.endpoint,
      }),
    );
  }
  return created === 'created';
}

export async function removeBuilder(cli: DockerCli, spec: BuilderSpec, removeState: boolean): Promise<boolean> {
  return withLock(builderLock(spec.name), async () => {
    const info = await cli.inspectBuilder(spec.name);
    if (!info) return false;
    await cli.step(
      info.driver === 'docker' ? commands.getContextRemoveCommand(spec.name) : commands.getBuilderRemoveCommand(spec.name, !removeState),
    );
    return true;
  });
}

/** Why the builder cannot build `platform`, with the ways out. */
function unservedReason(spec: BuilderSpec, served: string, platform: string, emulatorProblem: string | undefined): string {
  const elsewhere = `add a native node for it in the setup target's 'nodes', or drop it from 'platforms'`;
  const head = `builder '${spec.name}' cannot build ${platform}`;
  if (emulatorProblem) return `${head}: ${emulatorProblem}; or ${elsewhere}`;
  if (!canEmulate(platform)) return `${head} (it serves ${served}), and QEMU has no emulator for it (tonistiigi/binfmt knows ${EMULATOR_NAMES.join(', ')}): ${elsewhere}`;
  return `${head} (it serves ${served}): register QEMU for it (\`${installLine(spec.qemuImage, [platform])}\`), ${elsewhere}`;
}

/**
 * Makes the named builder ready for spec.platforms: emulators first (BuildKit detects them when it
 * starts), then the builder, created once under a machine-wide lock, then a bootstrap that lists what it
 * serves. The quick path (everything in place) takes no lock and changes nothing.
 * A platform it cannot serve is returned in `unavailable`, so only the projects asking for it fail; what
 * stops the whole builder (it cannot be created, it disappeared) throws.
 */
export async function ensureBuilder(cli: DockerCli, spec: BuilderSpec, env: SetupEnvironment): Promise<BuilderFacts> {
  const emulators = await ensureEmulators(cli, spec, env);
  let created = false;
  let recreated = false;
  let drift: string[] = [];

  const existing = await cli.inspectBuilder(spec.name);
  drift = existing ? builderDrift(spec, existing) : [];
  if (!existing || (drift.length > 0 && spec.recreate)) {
    await withLock(builderLock(spec.name), async () => {
      const current = await cli.inspectBuilder(spec.name);
      if (current && spec.recreate && builderDrift(spec, current).length > 0) {
        env.log(`nx-crossbake: recreating builder '${spec.name}': ${builderDrift(spec, current).join('; ')}`);
        await cli.step(current.driver === 'docker' ? commands.getContextRemoveCommand(spec.name) : commands.getBuilderRemoveCommand(spec.name, true));
        recreated = true;
      } else if (current) {
        return; // another process created it while we waited
      }
      created = await createBuilder(cli, spec, env.workspaceRoot);
      if (created && !recreated) env.log(`nx-crossbake: created builder '${spec.name}' (driver ${spec.driver})`);
    });
    drift = [];
  }
  for (const d of drift) env.log(`nx-crossbake: warning: builder '${spec.name}' differs from its options: ${d} (set recreate: true to rebuild it)`);

  let builder = await cli.inspectBuilder(spec.name, true);
  // BuildKit lists emulators it found when it started: restart one that predates the emulators we added.
  if (builder && emulators.installed.length > 0 && spec.driver !== 'docker' && missingPlatforms(builder, spec.platforms).length > 0) {
    await cli.step(commands.getBuilderStopCommand(spec.name));
    builder = await cli.inspectBuilder(spec.name, true);
  }
  if (!builder) throw new CrossbakeError(`builder '${spec.name}' disappeared while it was being set up: run again`);
  // What the builder lists is the truth: it may serve a platform whose emulator we could not register
  // (BuildKit's own QEMU, a remote node), and an emulator we registered does not prove it serves one.
  const served = [...new Set(builder.nodes.flatMap((n) => n.platforms))].join(', ') || 'nothing';
  const unavailable = new Map(
    missingPlatforms(builder, spec.platforms).map((p) => [p, unservedReason(spec, served, p, emulators.problems.get(p))]),
  );
  return { builder, created, recreated, emulatorsInstalled: emulators.installed, drift, unavailable };
}
