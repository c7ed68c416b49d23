/**
 * The credentials docker would use for a registry, found the way docker/cli's configfile finds them:
 * `credHelpers[address]` (even an empty one, which means "the file"), else `credsStore`, names a
 * `docker-credential-<name>` helper; without one, `auths` in config.json holds them. The address is the
 * registry's host, except Docker Hub's, which is `https://index.docker.io/v1/`.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Env, Exec } from '../process/exec';
import { RegistryError } from './registry-error';

export interface Credentials {
  username: string;
  password: string;
  /** Where they came from, for messages (`/home/u/.docker/config.json`, `docker-credential-pass`). */
  source: string;
}

interface CredentialOptions {
  env: Env;
  dockerConfigDir?: string;
  exec: Exec;
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string } | undefined>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

const HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const HUB_ADDRESS = 'https://index.docker.io/v1/';
// A helper answering this username holds an identity token (an OAuth refresh token) in Secret, not a
// password. Trading it needs the OAuth POST flow; we don't, and look up anonymously instead.
const IDENTITY_TOKEN_USERNAME = '<token>';

/** docker/cli's ConvertToHostname: `https://user@r.example.com:5000/v1/` → `r.example.com:5000`. */
function hostOfKey(key: string): string {
  const scheme = key.indexOf('://');
  const rest = scheme < 0 ? key : key.slice(scheme + 3);
  const host = rest.split('/')[0];
  return scheme < 0 ? host : host.slice(host.lastIndexOf('@') + 1);
}

/**
 * Looks credentials up by registry host (`docker.io`, `127.0.0.1:5001`, a mirror's host); undefined means
 * anonymous. Each registry is looked up once per store, and concurrent lookups share it, so a helper
 * (which may prompt or be slow) runs once per registry.
 */
export function createCredentialStore(o: CredentialOptions): (registry: string) => Promise<Credentials | undefined> {
  const dir = o.dockerConfigDir ?? o.env.DOCKER_CONFIG ?? join(o.env.HOME ?? homedir(), '.docker');
  const path = join(dir, 'config.json');
  let config: Promise<DockerConfigFile> | undefined;
  const known = new Map<string, Promise<Credentials | undefined>>();

  async function readConfig(): Promise<DockerConfigFile> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
    try {
      return JSON.parse(text) as DockerConfigFile;
    } catch {
      // Not JSON.parse's message: it quotes the text around the fault, which may be a password.
      throw new Error(`${path} is not valid JSON`);
    }
  }

  async function fromHelper(registry: string, address: string, helper: string): Promise<Credentials | undefined> {
    const program = `docker-credential-${helper}`;
    const result = await o.exec(program, ['get'], { input: address });
    if (result.exitCode !== 0) {
      const said = (result.stdout || result.stderr).trim().split('\n')[0].slice(0, 200);
      // What docker-credential-helpers prints for an address it holds nothing for: anonymous, as docker does.
      if (/credentials not found/i.test(said)) return undefined;
      throw new RegistryError(
        registry,
        `${program} (named in ${path}) could not give the credentials for ${registry}: exit code ${result.exitCode}${said ? `, ${said}` : ''}`,
      );
    }
    let answer: { Username?: unknown; Secret?: unknown };
    try {
      answer = JSON.parse(result.stdout) as typeof answer;
    } catch {
      throw new RegistryError(registry, `${program} answered with no credentials JSON for ${registry}`);
    }
    if (typeof answer.Username !== 'string' || answer.Username === '' || answer.Username === IDENTITY_TOKEN_USERNAME) return undefined;
    return { username: answer.Username, password: typeof answer.Secret === 'string' ? answer.Secret : '', source: program };
  }

  function fromFile(file: DockerConfigFile, address: string): Credentials | undefined {
    const auths = file.auths ?? {};
    // The exact key first, then keys written with a scheme or a path (`https://host`, `host/v1/`).
    const entry = auths[address] ?? Object.entries(auths).find(([key]) => hostOfKey(key) === address)?.[1];
    // An entry with only an identitytoken: unsupported, as for helpers.
    if (typeof entry?.auth !== 'string') return undefined;
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // docker refuses such an entry (and then the whole file): anonymous.
    if (colon <= 0) return undefined;
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source: path };
  }

  async function lookUp(registry: string): Promise<Credentials | undefined> {
    const address = HUB_HOSTS.has(registry) ? HUB_ADDRESS : registry;
    let file: DockerConfigFile;
    try {
      file = await (config ??= readConfig());
    } catch (e) {
      throw new RegistryError(registry, `cannot read the credentials for ${registry}: ${(e as Error).message}`);
    }
    const helper = file.credHelpers && address in file.credHelpers ? file.credHelpers[address] : file.credsStore;
    return helper ? fromHelper(registry, address, helper) : fromFile(file, address);
  }

  return (registry) => {
    let credentials = known.get(registry);
    if (!credentials) known.set(registry, (credentials = lookUp(registry)));
    return credentials;
  };
}
