import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistryLogin } from './registries';
import type { Env } from '../process/exec';
import { CrossbakeError } from '../core/errors';
import type { DockerCli } from './docker-cli';
import { credentialKeysOfLogin, loginAddress, registryOfLogin } from './registries';

/** Where the user's docker CLI keeps its configuration. */
const userDockerConfigDir = (env: Env = process.env) => env.DOCKER_CONFIG ?? join(homedir(), '.docker');

// Shared with the user's configuration: builders, contexts and CLI plugins must be the same ones.
const SHARED = ['buildx', 'contexts', 'cli-plugins'];

/**
 * The user's config.json for a run that logs in to `loginUrls`. The user's `credsStore` and `credHelpers`
 * stay, so every other registry (a private base image, say) still gets the user's own credentials. For
 * the registries we log in to, a `credHelpers` entry naming no helper makes docker use the file store:
 * docker/cli's getConfiguredCredentialStore takes a per-registry entry over `credsStore` even when it is
 * empty, so `docker login` writes our password into this private file, never into the user's keychain,
 * and docker and buildx read it back from there. The user's own entries for those registries are left out.
 */
export function runDockerConfig(user: Record<string, unknown>, loginUrls: readonly string[]): Record<string, unknown> {
  const keys = new Set(loginUrls.flatMap(credentialKeysOfLogin));
  const auths = Object.fromEntries(
    // The file store also matches legacy keys by host (`https://r.example.com/v1/`): drop those too.
    Object.entries((user.auths ?? {}) as Record<string, unknown>).filter(
      ([key]) => !keys.has(key) && !keys.has(credentialKeysOfLogin(key)[0]),
    ),
  );
  const credHelpers = { ...((user.credHelpers ?? {}) as Record<string, string>), ...Object.fromEntries([...keys].map((key) => [key, ''])) };
  const config: Record<string, unknown> = { ...user, auths, credHelpers };
  // No keys the user did not have, when there is nothing to put in them.
  if (user.auths === undefined && Object.keys(auths).length === 0) delete config.auths;
  if (user.credHelpers === undefined && Object.keys(credHelpers).length === 0) delete config.credHelpers;
  return config;
}

/**
 * A private Docker configuration folder for one run: runDockerConfig of the user's config.json, with
 * builders, contexts and plugins shared by symlink. The user's folder is only read.
 */
export function createRunDockerConfig(userDir: string, loginUrls: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'nx-crossbake-docker-config-'));
  chmodSync(dir, 0o700);
  let user: Record<string, unknown> = {};
  try {
    user = JSON.parse(readFileSync(join(userDir, 'config.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    // no config yet: an empty one
  }
  writeFileSync(join(dir, 'config.json'), JSON.stringify(runDockerConfig(user, loginUrls)), { mode: 0o600 });
  for (const name of SHARED) {
    // Created where docker would create them anyway, so a builder made during the run outlives it.
    if (name !== 'cli-plugins') mkdirSync(join(userDir, name), { recursive: true });
    if (existsSync(join(userDir, name))) symlinkSync(join(userDir, name), join(dir, name));
  }
  return dir;
}

/** Registries whose login failed or could not be tried (registryOfLogin host → why), for loginFailureFor. */
type FailedLogins = ReadonlyMap<string, string>;

/** The run's logins, one per registry; registries named with different logins are not logged in to. */
function planLogins(logins: readonly RegistryLogin[]): { unique: RegistryLogin[]; failed: Map<string, string> } {
  const byHost = new Map<string, RegistryLogin[]>();
  for (const login of logins) {
    const host = registryOfLogin(login.url);
    const same = byHost.get(host) ?? [];
    if (!same.some((l) => l.username === login.username && l.passwordEnv === login.passwordEnv)) same.push(login);
    byHost.set(host, same);
  }
  const failed = new Map<string, string>();
  const unique: RegistryLogin[] = [];
  for (const [host, variants] of byHost) {
    if (variants.length === 1) unique.push(variants[0]);
    // Never a silent first-wins; build-services rejects these tasks first (conflictingLogins).
    else
      failed.set(
        host,
        `${variants.length} different logins were given for ${host} (${variants.map((v) => v.username).join(', ')}), so none was used`,
      );
  }
  return { unique, failed };
}

/**
 * Runs `fn` with a CLI logged in to `logins`, in a configuration folder that is deleted afterwards (also
 * when the process exits early). A login that fails does not stop the run: `fn` gets the failed
 * registries with the reason, and rejects the tasks that use them (loginFailureFor). Without logins, `fn`
 * gets the CLI as it is.
 */
export async function withRegistryLogins<T>(
  cli: DockerCli,
  logins: readonly RegistryLogin[],
  env: Env,
  fn: (cli: DockerCli, failed: FailedLogins) => Promise<T>,
): Promise<T> {
  const { unique, failed } = planLogins(logins);
  if (logins.length === 0) return fn(cli, failed);
  const dir = createRunDockerConfig(
    userDockerConfigDir(env),
    logins.map((l) => l.url),
  );
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', cleanup);
  try {
    const scoped = cli.withDockerConfig(dir);
    for (const login of unique) {
      try {
        await scoped.login(loginAddress(login.url), login.username, env[login.passwordEnv] ?? '');
      } catch (e) {
        if (!(e instanceof CrossbakeError)) throw e;
        // The registry refused the credentials (rather than being out of reach): say where they come from.
        const refused = /\b401\b|unauthori[sz]ed|denied|incorrect username or password/i.test(e.message);
        failed.set(
          registryOfLogin(login.url),
          refused ? `${e.message} (check the username and the password in ${login.passwordEnv})` : e.message,
        );
      }
    }
    return await fn(scoped, failed);
  } finally {
    process.removeListener('exit', cleanup);
    cleanup();
  }
}
