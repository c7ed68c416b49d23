import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistryLogin } from '../options/service-options';
import type { Env } from '../options/build-inputs';
import type { DockerCli } from './docker-cli';

/** Where the user's docker CLI keeps its configuration. */
export const userDockerConfigDir = (env: Env = process.env) => env.DOCKER_CONFIG ?? join(homedir(), '.docker');

// Shared with the user's configuration: builders, contexts and CLI plugins must be the same ones.
const SHARED = ['buildx', 'contexts', 'cli-plugins'];

/**
 * A private Docker configuration folder for one run: the user's config.json without the credential store
 * (`docker login` would otherwise write our registries' passwords into the user's keychain) and without
 * helpers for the registries we log in to; builders, contexts and plugins shared by symlink.
 * Registries whose credentials live only in the dropped store must then be listed in `registries`.
 */
export function createRunDockerConfig(userDir: string, loginUrls: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'nx-crossbake-docker-config-'));
  chmodSync(dir, 0o700);
  let config: Record<string, unknown> = {};
  try {
    config = JSON.parse(readFileSync(join(userDir, 'config.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    // no config yet: an empty one
  }
  delete config.credsStore;
  const helpers = (config.credHelpers ?? {}) as Record<string, string>;
  for (const url of loginUrls) delete helpers[url];
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config), { mode: 0o600 });
  for (const name of SHARED) {
    // Created where docker would create them anyway, so a builder made during the run outlives it.
    if (name !== 'cli-plugins') mkdirSync(join(userDir, name), { recursive: true });
    if (existsSync(join(userDir, name))) symlinkSync(join(userDir, name), join(dir, name));
  }
  return dir;
}

/**
 * Runs `fn` with a CLI logged in to `logins`, in a configuration folder that is deleted afterwards
 * (also when the process exits early). Without logins, `fn` gets the CLI as it is.
 */
export async function withRegistryLogins<T>(cli: DockerCli, logins: readonly RegistryLogin[], env: Env, fn: (cli: DockerCli) => Promise<T>): Promise<T> {
  const unique = [...new Map(logins.map((l) => [l.url, l])).values()];
  if (unique.length === 0) return fn(cli);
  const dir = createRunDockerConfig(userDockerConfigDir(env), unique.map((l) => l.url));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', cleanup);
  try {
    const scoped = cli.withDockerConfig(dir);
    for (const login of unique) await scoped.login(login.url, login.username, env[login.passwordEnv] ?? '');
    return await fn(scoped);
  } finally {
    process.removeListener('exit', cleanup);
    cleanup();
  }
}
