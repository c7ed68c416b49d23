/**
 * A small client of the OCI distribution API (https://github.com/opencontainers/distribution-spec), for
 * reading manifests in-process: a lookup costs one HTTP request instead of a `docker buildx imagetools`
 * process. It reads only, and treats registries as dockerd does: Docker Hub is registry-1.docker.io and
 * tries its mirrors first; loopback and insecure registries may answer in plain HTTP; credentials are the
 * docker CLI's (credentials.ts), offered as each registry's challenge asks (auth.ts).
 */
import { createHash } from 'node:crypto';
import { createAuthorizer, parseChallenge, type Challenge, type Fetch } from './auth';
import { createCredentialStore } from './credentials';
import { RegistryError } from './registry-error';
import type { Manifest, ManifestHead, ManifestRef, RegistryClient, RegistryClientOptions } from './types';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];
const ACCEPT = MANIFEST_TYPES.join(', ');
const HUB = 'docker.io';
const HUB_API = 'registry-1.docker.io';
const DIGEST_ALGORITHMS = new Set(['sha256', 'sha512']);

/** dockerd's rule: insecure registries, and loopback ones (127.0.0.0/8 is insecure by default), may be plain HTTP. */
export function allowsPlainHttp(host: string, insecure?: (host: string) => boolean): boolean {
  const hostname = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.split(':')[0];
  return hostname === 'localhost' || hostname === '::1' || /^127\.\d+\.\d+\.\d+$/.test(hostname) || insecure?.(host) === true;
}

const isDigest = (reference: string) => /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(reference);
const described = (ref: ManifestRef) => `${ref.name}${isDigest(ref.reference) ? '@' : ':'}${ref.reference}`;

/** Whether `bytes` hash to `digest`; undefined for an algorithm we cannot compute. */
function hashesTo(bytes: Buffer, digest: string): boolean | undefined {
  const [algorithm, hex] = digest.split(':');
  if (!DIGEST_ALGORITHMS.has(algorithm)) return undefined;
  return createHash(algorithm).update(bytes).digest('hex') === hex;
}

/** Drains a body we do not need, so its connection goes back to the pool. */
const drain = (response: Response) =>
  response.arrayBuffer().then(
    () => undefined,
    () => undefined,
  );

/** Where one registry or mirror answers, learnt once by pinging `/v2/` as docker does: its origin, and its challenge. */
interface Endpoint {
  /** The registry (or mirror host) in messages, and the key of its credentials. */
  registry: string;
  origin: string;
  challenge?: Challenge;
}

/**
 * A client for one run: it learns each registry once (scheme, challenge, credentials, tokens) and keeps
 * what it learnt, failures included, so a registry that is down costs one timeout, not one per lookup.
 */
export function createRegistryClient(o: RegistryClientOptions): RegistryClient {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const timed: Fetch = (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const credentials = createCredentialStore(o);
  const authorization = createAuthorizer({ fetch: timed, credentials });
  const endpoints = new Map<string, Promise<Endpoint>>();
  // A mirror that is not a URL is one that fails: skipped. Only its origin counts (dockerd allows no path).
  const mirrors = (o.mirrors ?? []).flatMap((m) => (URL.canParse(m) ? [new URL(m)] : []));

  /**
   * A network failure or timeout, as a RegistryError; anything else is a bug and is rethrown. Told apart by
   * name: undici's errors come from Node's own realm, where `instanceof` against ours (in a VM, under jest) fails.
   */
  function unreachable(e: unknown, registry: string, ref: ManifestRef): unknown {
    const { name, message, cause } = (e ?? {}) as { name?: unknown; message?: unknown; cause?: { message?: unknown } };
    if (name === 'TimeoutError') {
      return new RegistryError(registry, `${registry} did not answer the lookup of ${described(ref)} within ${timeoutMs / 1000} s`);
    }
    // undici's failures: before the response (`fetch failed`), and while reading its body (`terminated`).
    if (name !== 'TypeError' || (message !== 'fetch failed' && message !== 'terminated')) return e;
    const why = typeof cause?.message === 'string' ? cause.message : message;
    return new RegistryError(registry, `could not reach ${registry} to look up ${described(ref)}: ${why}`);
  }

  /** The first origin that answers at all; a failed ping is kept, so a down registry fails each lookup at once. */
  function endpoint(key: string, registry: string, origins: readonly string[]): Promise<Endpoint> {
    let known = endpoints.get(key);
    if (!known) {
      known = (async () => {
        let failure: unknown;
        for (const origin of origins) {
          try {
            const response = await timed(`${origin}/v2/`);
            await drain(response);
            const challenge = response.status === 401 ? parseChallenge(response.headers.get('www-authenticate')) : undefined;
            return { registry, origin, challenge };
          } catch (e) {
            failure = e;
          }
        }
        throw failure;
      })();
      endpoints.set(key, known);
    }
    return known;
  }

  /** One request for the manifest, authenticated as the ping's challenge (or the response's own) asks. */
  async function request(ep: Endpoint, ref: ManifestRef, method: 'GET' | 'HEAD'): Promise<Response> {
    const url = `${ep.origin}/v2/${ref.name}/manifests/${ref.reference}`;
    const send = (auth: string | undefined) => timed(url, { method, headers: { Accept: ACCEPT, ...(auth && { Authorization: auth }) } });
    let response = await send(await authorization(ep.registry, ref.name, ep.challenge));
    // A repository may ask for more than /v2/ did (an open registry with private repositories), or a token
    // may have run out: answer this response's challenge once.
    const challenge = response.status === 401 ? parseChallenge(response.headers.get('www-authenticate')) : undefined;
    const auth = challenge && (await authorization(ep.registry, ref.name, challenge, true));
    if (auth) {
      await drain(response);
      response = await send(auth);
    }
    return response;
  }

  async function refusal(ep: Endpoint, ref: ManifestRef, response: Response, text: string): Promise<RegistryError> {
    // Only the registry's error code (DENIED, TOOMANYREQUESTS), never its free text, which might echo a header.
    const code = /"code"\s*:\s*"([A-Z_]+)"/.exec(text)?.[1];
    const said = code ? ` (${code})` : '';
    let hint = '';
    if (response.status === 401) {
      const used = await credentials(ep.registry).catch(() => undefined);
      // Docker Hub also answers 401 for a repository that does not exist: docker cannot tell them apart either.
      hint = used
        ? `: the credentials from ${used.source} were not accepted`
        : `: it does not exist, or needs a login (no credentials for ${ep.registry} were found: \`docker login ${ep.registry}\`)`;
    }
    const verb = response.status === 401 || response.status === 403 ? 'refused' : 'failed';
    const status = `${response.status} ${response.statusText}`.trim();
    return new RegistryError(
      ep.registry,
      `${ep.registry} ${verb} the lookup of ${described(ref)}: ${status}${said}${hint}`,
      response.status,
    );
  }

  async function readManifest(ep: Endpoint, ref: ManifestRef, response: Response): Promise<Manifest> {
    const bytes = Buffer.from(await response.arrayBuffer());
    const mismatch = (what: string) =>
      new RegistryError(
        ep.registry,
        `${ep.registry} answered the lookup of ${described(ref)} with a manifest that does not hash to ${what}`,
      );
    // The bytes must be what was asked for; the digest the registry sends is checked when we can compute it.
    if (isDigest(ref.reference) && hashesTo(bytes, ref.reference) !== true) throw mismatch('the digest asked for');
    const sent = response.headers.get('docker-content-digest');
    if (sent && hashesTo(bytes, sent) === false) throw mismatch('its Docker-Content-Digest');
    const contentType = response.headers.get('content-type')?.split(';')[0].trim() ?? '';
    let mediaType = contentType;
    // A registry that serves manifests as application/json: the manifest says its type itself.
    if (!MANIFEST_TYPES.includes(contentType)) {
      try {
        const declared = (JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown }).mediaType;
        if (typeof declared === 'string') mediaType = declared;
      } catch {
        // not JSON: keep the Content-Type
      }
    }
    const digest = isDigest(ref.reference) ? ref.reference : `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    return { digest, mediaType, bytes };
  }

  /** The manifest at one endpoint; undefined when it is not there. */
  async function lookUpAt(ep: Endpoint, ref: ManifestRef, method: 'GET' | 'HEAD'): Promise<Manifest | ManifestHead | undefined> {
    const response = await request(ep, ref, method);
    if (response.ok && method === 'GET') return readManifest(ep, ref, response);
    if (response.ok) {
      await drain(response);
      const digest = response.headers.get('docker-content-digest');
      // Without the header a HEAD tells nothing: read the manifest instead.
      if (!digest) return lookUpAt(ep, ref, 'GET');
      if (isDigest(ref.reference) && digest !== ref.reference) {
        throw new RegistryError(ep.registry, `${ep.registry} answered the lookup of ${described(ref)} with another digest, ${digest}`);
      }
      return { digest, mediaType: response.headers.get('content-type')?.split(';')[0].trim() ?? '' };
    }
    if (response.status === 404) return drain(response);
    const text = await response.text().catch(() => '');
    // Some registries say "unknown" with another 4xx; 401 and 403 stay refusals, whatever they say.
    const other4xx = response.status < 500 && response.status !== 401 && response.status !== 403;
    if (other4xx && /"code"\s*:\s*"(MANIFEST_UNKNOWN|NAME_UNKNOWN)"/.test(text)) return undefined;
    throw await refusal(ep, ref, response, text);
  }

  async function lookUp(ref: ManifestRef, method: 'GET' | 'HEAD'): Promise<Manifest | ManifestHead | undefined> {
    const hub = ref.registry === HUB || ref.registry === 'index.docker.io' || ref.registry === HUB_API;
    for (const mirror of hub ? mirrors : []) {
      try {
        const found = await lookUpAt(await endpoint(mirror.origin, mirror.host, [mirror.origin]), ref, method);
        if (found) return found;
      } catch (e) {
        const failure = unreachable(e, mirror.host, ref);
        if (!(failure instanceof RegistryError)) throw failure;
        // A mirror that fails or lacks the manifest: the next one, then Hub itself, as dockerd pulls.
      }
    }
    const host = hub ? HUB_API : ref.registry;
    const registry = hub ? HUB : ref.registry;
    const origins = allowsPlainHttp(host, o.insecure) ? [`https://${host}`, `http://${host}`] : [`https://${host}`];
    try {
      return await lookUpAt(await endpoint(host, registry, origins), ref, method);
    } catch (e) {
      throw unreachable(e, registry, ref);
    }
  }

  return {
    getManifest: (ref) => lookUp(ref, 'GET') as Promise<Manifest | undefined>,
    headManifest: async (ref) => {
      const found = await lookUp(ref, 'HEAD');
      return found && { digest: found.digest, mediaType: found.mediaType };
    },
  };
}
