/**
 * The builder readiness check, kept between runs: a warm run whose builder was found ready for the same
 * request asks the builder nothing before its bake. The key holds everything the check read here: the setup
 * spec, the workspace's registry facts, the emulators binfmt_misc serves, and which docker, configuration and
 * engine were asked; the record holds the platforms the check found served, so a run asking fewer (`affected`)
 * is served by it too. What it cannot hold (someone removed the builder, a remote
 * node lost an emulator) shows up in the bake, which then sets the builder up afresh (build-services).
 * Only a builder that served every platform asked for is kept; entries expire after a day, so a change
 * made behind our back (the engine's registry settings) is caught by the next full check at the latest.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Env } from '../process/exec';
import type { StateStore } from '../core/state-file';
import type { BuilderSpec } from './builder-spec';
import type { RegistryUsers } from './workspace-registries';

/** What a run needs of a ready builder without asking it: how to reach it, and what failure hints say of it. */
interface Readiness {
  driver: string;
  reachesHostLoopback: boolean;
}

/** A builder found ready, and the platforms it was found to serve. */
interface ReadinessRecord extends Readiness {
  platforms: readonly string[];
}

export interface ReadinessRequest {
  spec: BuilderSpec;
  registries: readonly RegistryUsers[];
  /** Used as it is (no setup target configures it). */
  asIs: boolean;
  /** The platforms binfmt_misc's emulators serve now (BinfmtSnapshot.servedPlatforms). */
  emulated: readonly string[];
  workspaceRoot: string;
}

const CACHE = 'builder-readiness';
export const READINESS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

// Which docker, whose builders and which engine: a builder of one DOCKER_CONFIG is not another's.
const DOCKER_ENVIRONMENT = ['CROSSBAKE_DOCKER', 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_CONTEXT', 'BUILDX_CONFIG', 'HOME'];

const fileText = (path: string | undefined, root: string) => {
  try {
    return path ? readFileSync(resolve(root, path), 'utf8') : undefined;
  } catch {
    return undefined;
  }
};

/** The hash of everything the readiness check read for this request. */
export function readinessKey(request: ReadinessRequest, env: Env = process.env): string {
  const { spec, registries, asIs, emulated, workspaceRoot } = request;
  const facts = {
    // The platforms asked are checked against the record, not hashed: the spec's own are the setup target's.
    spec: { ...spec, platforms: undefined },
    // The user's buildkitd.toml is part of what drift compares.
    buildkitdConfig: fileText(spec.buildkitdConfigFile, workspaceRoot),
    registries,
    asIs,
    emulated,
    docker: DOCKER_ENVIRONMENT.map((name) => env[name] ?? null),
  };
  return createHash('sha256').update(JSON.stringify(facts)).digest('hex');
}

interface Entry extends ReadinessRecord {
  key: string;
  at: number;
}

const isEntry = (value: unknown): value is Entry => {
  const e = value as Entry;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.key === 'string' &&
    typeof e.at === 'number' &&
    typeof e.driver === 'string' &&
    typeof e.reachesHostLoopback === 'boolean' &&
    Array.isArray(e.platforms)
  );
};

/** The readiness recorded for this builder and key, when it served every platform asked, and is not older than a day. */
export function readReadiness(
  state: StateStore,
  builder: string,
  key: string,
  platforms: readonly string[],
  now = Date.now(),
): Readiness | undefined {
  const entry = state.read(CACHE)?.[builder];
  if (!isEntry(entry) || entry.key !== key || now - entry.at > READINESS_MAX_AGE_MS || entry.at > now) return undefined;
  if (!platforms.every((p) => entry.platforms.includes(p))) return undefined;
  return { driver: entry.driver, reachesHostLoopback: entry.reachesHostLoopback };
}

/** Records a builder found ready for `platforms`; one entry per builder name, the last check's. */
export function recordReadiness(state: StateStore, builder: string, key: string, record: ReadinessRecord, now = Date.now()): void {
  state.write(CACHE, { ...state.read(CACHE), [builder]: { key, at: now, ...record, platforms: [...new Set(record.platforms)].sort() } });
}

/** Forgets a builder's readiness: the bake found it was not what the record said. */
export function forgetReadiness(state: StateStore, builder: string): void {
  const all = state.read(CACHE);
  if (!all || !(builder in all)) return;
  const { [builder]: _gone, ...rest } = all;
  state.write(CACHE, rest);
}
