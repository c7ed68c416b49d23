/**
 * Which buildx binary the docker CLI runs, found as docker/cli's plugin manager finds it (getPluginDirs):
 * config.json's `cliPluginsExtraDirs`, then `<config dir>/cli-plugins`, then the system folders. What it
 * says of itself (`buildx version`) holds for as long as the file is the same, so it is asked once per binary.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../options/build-inputs';
import type { StateStore } from '../state/state-file';
import { userDockerConfigDir } from './docker-config';

// docker/cli cli-plugins/manager/manager_unix.go defaultSystemPluginDirs, in its order.
const SYSTEM_PLUGIN_DIRS = ['/usr/local/lib/docker/cli-plugins', '/usr/local/libexec/docker/cli-plugins', '/usr/lib/docker/cli-plugins', '/usr/libexec/docker/cli-plugins'];

/** The folders docker searches for `docker-buildx`, in its order. */
export function pluginDirs(configDir: string, extraDirs: readonly string[] = [], systemDirs: readonly string[] = process.platform === 'win32' ? [] : SYSTEM_PLUGIN_DIRS): string[] {
  return [...extraDirs, join(configDir, 'cli-plugins'), ...systemDirs];
}

/** The buildx binary docker would run, with what identifies its contents; undefined when none is found. */
export function findBuildxPlugin(env: Env = process.env, systemDirs?: readonly string[]): { path: string; identity: string } | undefined {
  const configDir = userDockerConfigDir(env);
  let extra: string[] = [];
  try {
    const dirs = (JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as { cliPluginsExtraDirs?: unknown }).cliPluginsExtraDirs;
    extra = Array.isArray(dirs) ? dirs.filter((d): d is string => typeof d === 'string') : [];
  } catch {
    // no config.json: the default folders only
  }
  for (const dir of pluginDirs(configDir, extra, systemDirs)) {
    const path = join(dir, process.platform === 'win32' ? 'docker-buildx.exe' : 'docker-buildx');
    try {
      const st = statSync(path);
      if (st.isFile()) return { path, identity: `${path}:${st.size}:${st.mtimeMs}` };
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

const CACHE = 'buildx-version';

/** The version recorded for this binary (path, size, mtime), if any. */
export function cachedBuildxVersion(state: StateStore, identity: string): string | undefined {
  const version = state.read(CACHE)?.[identity];
  return typeof version === 'string' ? version : undefined;
}

/** Records a binary's version; only the binaries seen last are kept. */
export function recordBuildxVersion(state: StateStore, identity: string, version: string): void {
  const kept = Object.entries(state.read(CACHE) ?? {}).slice(-7);
  state.write(CACHE, { ...Object.fromEntries(kept), [identity]: version });
}
