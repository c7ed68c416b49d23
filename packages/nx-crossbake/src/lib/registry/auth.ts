/**
 * The Authorization a registry's challenge asks for, as the distribution token spec
 * (https://distribution.github.io/distribution/spec/auth/token/) and docker's client answer it: `Basic`
 * sends the credentials; `Bearer` trades them (or nothing, anonymously) for a pull token at the realm.
 */
import type { Credentials } from './credentials';
import { RegistryError } from './registry-error';

/** A WWW-Authenticate challenge: `Bearer realm="…",service="…"` → `bearer` and its parameters. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** fetch, with the client's timeout. */
export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * Reads the first challenge of a WWW-Authenticate header. Registries send one; a header with several
 * (`Bearer …, Basic …`) gets the first scheme, and parameters of the others are ignored as unknown.
 */
export function parseChallenge(header: string | null): Challenge | undefined {
  const match = /^\s*([\w-]+)(.*)$/s.exec(header ?? '');
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of match[2].matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
    params[key.toLowerCase()] ??= quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare;
  }
  return { scheme: match[1].toLowerCase(), params };
}

const basic = (c: Credentials) => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;

interface Token {
  value: string;
  expiresAt: number;
}

/**
 * Answers challenges for one client. Tokens are kept per registry, realm, service and scope until just
 * before they expire, and concurrent lookups share one token request.
 */
export function createAuthorizer(o: { fetch: Fetch; credentials: (registry: string) => Promise<Credentials | undefined> }) {
  const tokens = new Map<string, Promise<Token>>();

  async function requestToken(registry: string, realm: string, service: string | undefined, scope: string): Promise<Token> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError(registry, `${registry} names a token service that is not a URL: ${realm}`);
    }
    if (service) url.searchParams.set('service', service);
    url.searchParams.set('scope', scope);
    const credentials = await o.credentials(registry);
    const response = await o.fetch(url.href, { headers: credentials ? { Authorization: basic(credentials) } : {} });
    const body = (await response.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
    if (!response.ok) {
      const used = credentials ? ` with the credentials from ${credentials.source}` : ' anonymously';
      throw new RegistryError(
        registry,
        `${url.host} refused a token for ${scope} on ${registry}${used}: ${response.status} ${response.statusText}`,
        response.status,
      );
    }
    const value = typeof body.token === 'string' && body.token ? body.token : body.access_token;
    if (typeof value !== 'string' || !value)
      throw new RegistryError(registry, `${url.host} answered with no token for ${scope} on ${registry}`);
    // The spec's default lifetime is 60 s; renew 10 s early so a token does not run out mid-request.
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    return { value, expiresAt: Date.now() + Math.max(lifetime - 10, 1) * 1000 };
  }

  async function bearer(registry: string, realm: string, service: string | undefined, scope: string, fresh: boolean): Promise<string> {
    const key = [registry, realm, service, scope].join(' ');
    const cached = fresh ? undefined : tokens.get(key);
    if (cached) {
      const token = await cached;
      if (token.expiresAt > Date.now()) return token.value;
    }
    const pending = requestToken(registry, realm, service, scope);
    tokens.set(key, pending);
    // A failed request is not kept: the next lookup asks again.
    pending.catch(() => tokens.get(key) === pending && tokens.delete(key));
    return (await pending).value;
  }

  /**
   * The Authorization header for pulling `name` from `registry` under `challenge`; undefined to go
   * anonymously (no challenge, an unknown scheme, or Basic without credentials). `fresh` asks for a new
   * token, after the registry refused the one it had.
   */
  return async function authorization(registry: string, name: string, challenge: Challenge | undefined, fresh = false) {
    if (challenge?.scheme === 'basic') {
      const credentials = await o.credentials(registry);
      return credentials && basic(credentials);
    }
    if (challenge?.scheme !== 'bearer' || !challenge.params.realm) return undefined;
    const token = await bearer(registry, challenge.params.realm, challenge.params.service, `repository:${name}:pull`, fresh);
    return `Bearer ${token}`;
  };
}
