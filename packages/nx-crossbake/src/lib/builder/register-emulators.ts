/**
 * QEMU for the platforms a local builder must emulate: what binfmt_misc lacks is registered with a
 * privileged run of the installer image, under a machine-wide lock. Only for builders whose BuildKit runs
 * on this machine's kernel (docker, docker-container): a remote or kubernetes BuildKit never sees it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerCli } from '../docker/docker-cli';
import { DockerCommandError } from '../core/errors';
import type { BuilderSpec } from './builder-spec';
import {
  BINFMT_DIR,
  BinfmtSnapshot,
  byEmulator,
  canEmulate,
  emulatorInstallNames,
  entriesWithoutFixBinary,
  nativePlatforms,
  platformsNeedingEmulator,
  readBinfmtEntries,
  type BinfmtEntry,
} from './emulation';
import { lockPath, waitingLogged, withLock } from '../core/lock';

export interface EmulatorEnvironment {
  log: (message: string) => void;
  /** What binfmt_misc has registered; replaced in tests. */
  readBinfmt?: () => BinfmtEntry[];
  /** binfmt_misc as this run read it (read once for every builder of the run); made from readBinfmt when not given. */
  binfmt?: BinfmtSnapshot;
  /** Whether binfmt_misc can be seen from here at all (not in most CI job containers); replaced in tests. */
  binfmtVisible?: () => boolean;
  native?: string[];
}

/** What registering emulators did: what it registered, why each platform it could not serve is missing, and which installer ran. */
interface EmulatorOutcome {
  installed: string[];
  problems: Map<string, string>;
  /** The digest of the installer image that ran (`sha256:…`), when one ran and docker could tell. */
  installerDigest?: string;
}

export const noEmulators = (): EmulatorOutcome => ({ installed: [], problems: new Map() });

/** Whether a builder of this driver runs foreign binaries with this machine's binfmt_misc. */
export const usesLocalEmulators = (driver: string) => driver === 'docker' || driver === 'docker-container';

/** The install command for `platforms`, as the user would run it. */
export const installLine = (cli: DockerCli, image: string, platforms: readonly string[]) =>
  cli.installEmulatorsCommandLine(image, emulatorInstallNames(platforms));

/**
 * Runs the installer for `platforms` and reports the ones still missing afterwards. binfmt_misc, read again,
 * is the truth: tonistiigi/binfmt exits 0 even when an emulator failed, and an installer may stop at the first.
 */
async function install(cli: DockerCli, image: string, platforms: string[], stillNeeded: () => string[]) {
  let failure: DockerCommandError | undefined;
  try {
    await cli.installEmulators(image, emulatorInstallNames(platforms));
  } catch (e) {
    if (!(e instanceof DockerCommandError)) throw e;
    failure = e;
  }
  const missing = new Set(stillNeeded());
  return { failure, left: platforms.filter((p) => missing.has(p)) };
}

/**
 * The digest of the installer as the engine stores it, so the log says exactly what ran privileged. Only
 * reported: a failure to tell (an engine that keeps no repository digest) never fails setup.
 */
async function installerDigest(cli: DockerCli, image: string): Promise<string | undefined> {
  try {
    return await cli.imageDigest(image);
  } catch {
    return undefined;
  }
}

/** Registers what is missing; a failure belongs to the platforms of that emulator only. */
async function registerEmulators(
  cli: DockerCli,
  image: string,
  log: (m: string) => void,
  stillNeeded: () => string[],
): Promise<EmulatorOutcome> {
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
  const digest = await installerDigest(cli, image);
  if (digest) log(`nx-crossbake: the QEMU installer that ran privileged was ${image.split('@')[0]}@${digest}`);
  const left = new Set(stillNeeded());
  return { installed: wanted.filter((p) => !left.has(p)), problems, installerDigest: digest };
}

/** The run's view of binfmt_misc: the one given, else one read through `readBinfmt` (tests) or from the kernel. */
export const binfmtOf = (env: EmulatorEnvironment): BinfmtSnapshot =>
  env.binfmt ?? new BinfmtSnapshot(env.readBinfmt ?? (() => readBinfmtEntries()));

export async function ensureEmulators(cli: DockerCli, spec: BuilderSpec, env: EmulatorEnvironment): Promise<EmulatorOutcome> {
  const binfmt = binfmtOf(env);
  const visible = env.binfmtVisible ?? (() => existsSync(join(BINFMT_DIR, 'register')));
  if (!env.readBinfmt && !visible()) {
    // A job container (GitLab's docker:dind, …) does not see the host's binfmt_misc: nothing to read or
    // verify here. The builder's own platform list, checked after bootstrap, still catches what is missing.
    env.log(`nx-crossbake: ${BINFMT_DIR} is not mounted here: QEMU is left to the engine's host (the builder check below still applies)`);
    return noEmulators();
  }
  const native = [...(env.native ?? nativePlatforms()), ...spec.nodes.flatMap((n) => n.platforms)];
  // What the installer has no emulator for is left to the builder check: a remote node may still serve it.
  const needed = (entries: BinfmtEntry[]) => platformsNeedingEmulator(spec.platforms, entries, native).filter(canEmulate);
  for (const entry of entriesWithoutFixBinary(binfmt.read())) {
    env.log(`nx-crossbake: warning: binfmt entry '${entry.name}' lacks the F flag: builds in containers may fail with "exec format error"`);
  }
  const missing = needed(binfmt.read());
  if (missing.length === 0) return noEmulators();
  if (!spec.installQemu) {
    const problems = new Map<string, string>();
    for (const family of byEmulator(missing)) {
      const problem = `no QEMU emulator is registered for ${family.join(', ')}: run \`${installLine(cli, spec.qemuImage, family)}\` (or set install-qemu: true)`;
      for (const p of family) problems.set(p, problem);
    }
    return { installed: [], problems };
  }
  // Registering an entry that exists fails, so installs are serialised across every process of the machine;
  // under the lock binfmt_misc is read afresh, as another process may have registered them meanwhile.
  return withLock(
    lockPath('binfmt'),
    () => registerEmulators(cli, spec.qemuImage, env.log, () => needed(binfmt.reread())),
    waitingLogged(env.log),
  );
}
