import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as commands from '../docker/commands';
import type { DockerCli } from '../docker/docker-cli';
import { CrossbakeError, DockerCommandError } from '../errors';
import { firstNodePlatforms, type BuilderSpec } from './builder-spec';
import { renderBuildkitdConfig } from './buildkitd-config';
import {
  emulatorInstallNames,
  entriesWithoutFixBinary,
  nativePlatforms,
  parseBinfmtEntry,
  platformsNeedingEmulator,
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
}

const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

export function readBinfmtEntries(dir = BINFMT_DIR): BinfmtEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n !== 'register' && n !== 'status');
  } catch {
    return []; // not mounted: nothing registered
  }
  return names.flatMap((name) => {
    try {
      return [parseBinfmtEntry(name, readFileSync(join(dir, name), 'utf8'))];
    } catch {
      return [];
    }
  });
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

async function ensureEmulators(cli: DockerCli, spec: BuilderSpec, env: SetupEnvironment): Promise<string[]> {
  const readBinfmt = env.readBinfmt ?? (() => readBinfmtEntries());
  const visible = env.binfmtVisible ?? (() => existsSync(join(BINFMT_DIR, 'register')));
  if (!env.readBinfmt && !visible()) {
    // A job container (GitLab's docker:dind, …) does not see the host's binfmt_misc: nothing to read or
    // verify here. The builder's own platform list, checked after bootstrap, still catches what is missing.
    env.log(`nx-crossbake: ${BINFMT_DIR} is not mounted here: QEMU is left to the engine's host (the builder check below still applies)`);
    return [];
  }
  const native = [...(env.native ?? nativePlatforms()), ...spec.nodes.flatMap((n) => n.platforms)];
  const needed = () => platformsNeedingEmulator(spec.platforms, readBinfmt(), native);
  for (const entry of entriesWithoutFixBinary(readBinfmt())) {
    env.log(`nx-crossbake: warning: binfmt entry '${entry.name}' lacks the F flag: builds in containers may fail with "exec format error"`);
  }
  const missing = needed();
  if (missing.length === 0) return [];

  const names = emulatorInstallNames(missing);
  const install = ['docker', ...commands.getEmulatorInstallCommand(spec.qemuImage, names)].join(' ');
  if (!spec.installQemu) {
    throw new CrossbakeError(`no QEMU emulator is registered for ${missing.join(', ')}: run \`${install}\` (or set install-qemu: true)`);
  }
  // Registering an entry that exists fails, so installs are serialised with the builder's creation.
  return withLock(lockPath('binfmt'), async () => {
    const stillMissing = needed();
    if (stillMissing.length === 0) return [];
    env.log(`nx-crossbake: registering QEMU for ${stillMissing.join(', ')} with ${spec.qemuImage}`);
    try {
      await cli.step(commands.getEmulatorInstallCommand(spec.qemuImage, emulatorInstallNames(stillMissing)));
    } catch (e) {
      if (!(e instanceof DockerCommandError)) throw e;
      throw new CrossbakeError(
        `registering QEMU for ${stillMissing.join(', ')} with ${spec.qemuImage} failed (exit ${e.exitCode}): ${e.stderrTail || 'no output'}. ` +
          `Check that the image can be pulled and has these emulators ('qemu-image' option), or register them yourself`,
      );
    }
    const after = needed();
    if (after.length > 0) {
      throw new CrossbakeError(`${spec.qemuImage} did not register an emulator for ${after.join(', ')}: check /proc/sys/fs/binfmt_misc and the image`);
    }
    return stillMissing;
  });
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

/**
 * Makes the named builder ready for spec.platforms: emulators first (BuildKit detects them when it
 * starts), then the builder, created once under a machine-wide lock, then a bootstrap that proves every
 * platform is served. The quick path (everything in place) takes no lock and changes nothing.
 */
export async function ensureBuilder(cli: DockerCli, spec: BuilderSpec, env: SetupEnvironment): Promise<BuilderFacts> {
  const emulatorsInstalled = await ensureEmulators(cli, spec, env);
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
  if (builder && emulatorsInstalled.length > 0 && spec.driver !== 'docker' && missingPlatforms(builder, spec.platforms).length > 0) {
    await cli.step(commands.getBuilderStopCommand(spec.name));
    builder = await cli.inspectBuilder(spec.name, true);
  }
  if (!builder) throw new CrossbakeError(`builder '${spec.name}' disappeared while it was being set up: run again`);
  const missing = missingPlatforms(builder, spec.platforms);
  if (missing.length > 0) {
    const served = [...new Set(builder.nodes.flatMap((n) => n.platforms))].join(', ') || 'nothing';
    throw new CrossbakeError(
      `builder '${spec.name}' cannot build ${missing.join(', ')} (it serves ${served}): register QEMU for them ` +
        `(\`docker ${commands.getEmulatorInstallCommand(spec.qemuImage, emulatorInstallNames(missing)).join(' ')}\`), ` +
        `add a native node for them in the setup target's 'nodes', or drop them from 'platforms'`,
    );
  }
  return { builder, created, recreated, emulatorsInstalled, drift };
}
