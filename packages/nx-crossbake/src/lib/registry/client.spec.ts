import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exec } from '../process/exec';
import { allowsPlainHttp, createRegistryClient } from './client';
import { RegistryError } from './registry-error';
import type { ManifestRef, RegistryClientOptions } from './types';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }));
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const indexDigest = sha256(index);
const b64 = (text: string) => Buffer.from(text).toString('base64');
const PASSWORD = 'pa55-s3cret';
const TOKEN = 'tok-s3cret';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

const servers: Server[] = [];
afterEach(async () => {
  jest.restoreAllMocks();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A registry on 127.0.0.1 (plain HTTP, on a random port), answering with `handle`; it records every request. */
async function registry(handle: (req: Seen, res: ServerResponse, host: string) => void) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const request = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers };
    seen.push(request);
    handle(request, res, host);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { host, seen, manifests: () => seen.filter((s) => s.path.includes('/manifests/')) };
}

const sendManifest = (res: ServerResponse, headers: Record<string, string> = { 'docker-content-digest': indexDigest }, bytes = index) =>
  res.writeHead(200, { 'content-type': OCI_INDEX, ...headers }).end(bytes);
const sendError = (res: ServerResponse, status: number, code?: string, extra: Record<string, string> = {}) =>
  res
    .writeHead(status, { 'content-type': 'application/json', ...extra })
    .end(code ? JSON.stringify({ errors: [{ code, message: 'what the registry says' }] }) : '');

/** A registry without auth: /v2/ is open, the manifest is `answer`. */
const openRegistry = (answer: (res: ServerResponse, req: Seen) => void) =>
  registry((req, res) => (req.path === '/v2/' ? res.writeHead(200).end('{}') : answer(res, req)));

const noExec: Exec = async () => {
  throw new Error('no credential helper expected');
};

function client(options: Partial<RegistryClientOptions> & { config?: object } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'crossbake-registry-client-'));
  if (options.config) writeFileSync(join(dir, 'config.json'), JSON.stringify(options.config));
  return createRegistryClient({ env: {}, dockerConfigDir: dir, exec: noExec, timeoutMs: 2000, ...options });
}

const ref = (registry: string, reference = '1', name = 'x/y'): ManifestRef => ({ registry, name, reference });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as RegistryError,
  );

describe('getManifest', () => {
  it('reads a manifest from a loopback registry over plain HTTP, accepting indexes and manifests in both formats', async () => {
    const r = await openRegistry((res) => sendManifest(res));
    await expect(client().getManifest(ref(r.host))).resolves.toEqual({ digest: indexDigest, mediaType: OCI_INDEX, bytes: index });
    const [request] = r.manifests();
    expect(request.path).toBe('/v2/x/y/manifests/1');
    expect(request.headers.accept?.split(', ').sort()).toEqual([
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.docker.distribution.manifest.v2+json',
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.oci.image.manifest.v1+json',
    ]);
  });

  it('takes the media type from the manifest when the registry serves it as JSON', async () => {
    const r = await openRegistry((res) => res.writeHead(200, { 'content-type': 'application/json' }).end(index));
    await expect(client().getManifest(ref(r.host))).resolves.toMatchObject({ mediaType: OCI_INDEX, digest: indexDigest });
  });

  it.each([
    ['404 MANIFEST_UNKNOWN', 404, 'MANIFEST_UNKNOWN'],
    ['404 NAME_UNKNOWN', 404, 'NAME_UNKNOWN'],
    ['404 without a body', 404, undefined],
    ['400 NAME_UNKNOWN', 400, 'NAME_UNKNOWN'],
  ])('is undefined when the registry answers %s', async (_what, status, code) => {
    const r = await openRegistry((res) => sendError(res, status, code));
    await expect(client().getManifest(ref(r.host))).resolves.toBeUndefined();
  });

  it.each([
    [403, 'DENIED', 'refused the lookup of x/y:1: 403 Forbidden (DENIED)'],
    [500, undefined, 'failed the lookup of x/y:1: 500 Internal Server Error'],
    [429, 'TOOMANYREQUESTS', 'failed the lookup of x/y:1: 429 Too Many Requests (TOOMANYREQUESTS)'],
    // 403 is a refusal whatever the body says.
    [403, 'NAME_UNKNOWN', 'refused the lookup of x/y:1: 403 Forbidden (NAME_UNKNOWN)'],
  ])('throws a RegistryError for %i %s', async (status, code, message) => {
    const r = await openRegistry((res) => sendError(res, status, code));
    const error = await failure(client().getManifest(ref(r.host)));
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ message: `${r.host} ${message}`, registry: r.host, status });
  });

  it('throws when the registry is out of reach, after trying https and http', async () => {
    const r = await openRegistry((res) => sendManifest(res));
    servers.pop()!.close();
    const error = await failure(client().getManifest(ref(r.host)));
    expect(error).toMatchObject({
      message: `could not reach ${r.host} to look up x/y:1: connect ECONNREFUSED ${r.host}`,
      registry: r.host,
    });
  });

  it('throws when the registry does not answer in time', async () => {
    const r = await openRegistry(() => undefined);
    const error = await failure(client({ timeoutMs: 300 }).getManifest(ref(r.host)));
    expect(error).toMatchObject({ message: `${r.host} did not answer the lookup of x/y:1 within 0.3 s`, registry: r.host });
  });

  it('returns the digest asked for, and refuses bytes that do not hash to it or to Docker-Content-Digest', async () => {
    const other = `sha256:${'0'.repeat(64)}`;
    const r = await openRegistry((res, req) =>
      sendManifest(res, req.path.endsWith('/bad-header') ? { 'docker-content-digest': other } : {}),
    );
    await expect(client().getManifest(ref(r.host, indexDigest))).resolves.toMatchObject({ digest: indexDigest });
    await expect(client().getManifest(ref(r.host, other))).rejects.toThrow(
      `${r.host} answered the lookup of x/y@${other} with a manifest that does not hash to the digest asked for`,
    );
    await expect(client().getManifest(ref(r.host, 'bad-header'))).rejects.toThrow(
      `${r.host} answered the lookup of x/y:bad-header with a manifest that does not hash to its Docker-Content-Digest`,
    );
    await expect(client().getManifest(ref(r.host, `sha999:${'0'.repeat(64)}`))).rejects.toThrow(RegistryError);
  });
});

describe('getManifest: authentication', () => {
  const basicAuth = `Basic ${b64(`user:${PASSWORD}`)}`;

  /** A registry behind a token service, as Docker Hub and most cloud registries are. */
  const tokenRegistry = (manifest: (res: ServerResponse) => void = (res) => sendManifest(res)) =>
    registry((req, res, host) => {
      if (req.path === '/token') {
        return req.headers.authorization === basicAuth
          ? res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: TOKEN, expires_in: 300 }))
          : sendError(res, 401, 'UNAUTHORIZED');
      }
      if (req.headers.authorization === `Bearer ${TOKEN}` && req.path !== '/v2/') return manifest(res);
      return sendError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': `Bearer realm="http://${host}/token",service="test-registry"` });
    });

  it("trades the config's credentials for a token, and reuses it for the next lookups", async () => {
    const r = await tokenRegistry();
    const c = client({ config: { auths: { [r.host]: { auth: b64(`user:${PASSWORD}`) } } } });
    await Promise.all([c.getManifest(ref(r.host, '1')), c.getManifest(ref(r.host, '2'))]);
    await expect(c.getManifest(ref(r.host, '3'))).resolves.toMatchObject({ digest: indexDigest });
    const tokens = r.seen.filter((s) => s.path === '/token');
    expect(tokens).toHaveLength(1);
    expect(Object.fromEntries(tokens[0].query)).toEqual({ service: 'test-registry', scope: 'repository:x/y:pull' });
    expect(r.manifests().map((s) => s.headers.authorization)).toEqual(Array(3).fill(`Bearer ${TOKEN}`));
  });

  const basicRegistry = (challengeOnPing: boolean) =>
    registry((req, res) => {
      if (req.headers.authorization === basicAuth) return req.path === '/v2/' ? res.end('{}') : sendManifest(res);
      if (req.path === '/v2/' && !challengeOnPing) return res.end('{}');
      return sendError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': 'Basic realm="crossbake"' });
    });

  it.each([
    ['host', (host: string) => host],
    ['http://host', (host: string) => `http://${host}`],
    ['https://host/v1/', (host: string) => `https://${host}/v1/`],
  ])('answers a Basic challenge with credentials stored under %s', async (_key, key) => {
    const r = await basicRegistry(true);
    const c = client({ config: { auths: { [key(r.host)]: { auth: b64(`user:${PASSWORD}`) } } } });
    await expect(c.getManifest(ref(r.host))).resolves.toMatchObject({ digest: indexDigest });
    expect(r.manifests()).toHaveLength(1);
  });

  it('answers a challenge that only the repository makes', async () => {
    const r = await basicRegistry(false);
    const c = client({ config: { auths: { [r.host]: { auth: b64(`user:${PASSWORD}`) } } } });
    await expect(c.getManifest(ref(r.host))).resolves.toMatchObject({ digest: indexDigest });
    expect(r.manifests().map((s) => s.headers.authorization)).toEqual([undefined, basicAuth]);
  });

  it('says to log in when it has no credentials, and that they were refused when wrong', async () => {
    const r = await basicRegistry(true);
    await expect(client().getManifest(ref(r.host))).rejects.toThrow(
      `${r.host} refused the lookup of x/y:1: 401 Unauthorized (UNAUTHORIZED): it does not exist, or needs a login (no credentials for ${r.host} were found: \`docker login ${r.host}\`)`,
    );
    const wrong = client({ config: { auths: { [r.host]: { auth: b64('user:wrong') } } } });
    await expect(wrong.getManifest(ref(r.host))).rejects.toThrow(
      /refused the lookup of x\/y:1: 401 Unauthorized \(UNAUTHORIZED\): the credentials from .*config\.json were not accepted$/,
    );
  });

  it('runs the credential helper once, with the host on stdin, for concurrent lookups', async () => {
    const r = await basicRegistry(true);
    const exec = jest.fn<ReturnType<Exec>, Parameters<Exec>>(async () => ({
      exitCode: 0,
      stdout: JSON.stringify({ ServerURL: r.host, Username: 'user', Secret: PASSWORD }),
      stderr: '',
    }));
    const c = client({ config: { credsStore: 'fake' }, exec });
    const found = await Promise.all([c.getManifest(ref(r.host, '1')), c.getManifest(ref(r.host, '2'))]);
    expect(found.map((m) => m?.digest)).toEqual([indexDigest, indexDigest]);
    expect(exec.mock.calls).toEqual([['docker-credential-fake', ['get'], { input: r.host }]]);
  });

  it('never puts a password or a token in a message', async () => {
    // A registry that quotes the request's Authorization in its error.
    const echo = (res: ServerResponse) =>
      res.writeHead(403).end(JSON.stringify({ errors: [{ code: 'DENIED', message: `not with Bearer ${TOKEN}` }] }));
    const messages: string[] = [];
    const collect = (p: Promise<unknown>) => failure(p).then((e) => messages.push(String(e?.message)));
    const tokens = await tokenRegistry(echo);
    const withPassword = { auths: { [tokens.host]: { auth: b64(`user:${PASSWORD}`) } } };
    await collect(client({ config: withPassword }).getManifest(ref(tokens.host)));
    await collect(client({ config: { auths: { [tokens.host]: { auth: b64('user:wrong-s3cret') } } } }).getManifest(ref(tokens.host)));
    const basic = await basicRegistry(true);
    await collect(client({ config: { auths: { [basic.host]: { auth: b64('user:wrong-s3cret') } } } }).getManifest(ref(basic.host)));
    expect(messages).toHaveLength(3);
    for (const message of messages) expect(message).not.toMatch(new RegExp(`s3cret|${b64('user:')}`));
  });
});

describe('getManifest: Docker Hub mirrors', () => {
  /** Sends what the client asks of Docker Hub to `hub` instead. */
  function redirectHub(hub: string) {
    const realFetch = globalThis.fetch;
    return jest
      .spyOn(globalThis, 'fetch')
      .mockImplementation((input, init) => realFetch(String(input).replace('https://registry-1.docker.io', `http://${hub}`), init));
  }
  const hubRef = ref('docker.io', '1', 'library/busybox');

  it('tries each mirror in order, falling through those that lack the manifest, fail or are out of reach, then Hub', async () => {
    const lacking = await openRegistry((res) => sendError(res, 404, 'MANIFEST_UNKNOWN'));
    const failing = await openRegistry((res) => sendError(res, 500));
    const gone = await openRegistry(() => undefined);
    servers.pop()!.close();
    const hub = await openRegistry((res) => sendManifest(res));
    const fetch = redirectHub(hub.host);
    const mirrors = [`http://${lacking.host}`, `http://${failing.host}/`, `http://${gone.host}`];
    await expect(client({ mirrors }).getManifest(hubRef)).resolves.toMatchObject({ digest: indexDigest });
    expect([lacking, failing, hub].map((r) => r.manifests().map((s) => s.path))).toEqual(
      Array(3).fill(['/v2/library/busybox/manifests/1']),
    );
    expect(fetch.mock.calls.map(([url]) => String(url))).toContain('https://registry-1.docker.io/v2/library/busybox/manifests/1');
  });

  it('stops at the first mirror that has the manifest, and uses mirrors for Docker Hub only', async () => {
    const mirror = await openRegistry((res) => sendManifest(res));
    const fetch = redirectHub('127.0.0.1:9');
    const c = client({ mirrors: [`http://${mirror.host}`] });
    await expect(c.getManifest(hubRef)).resolves.toMatchObject({ digest: indexDigest });
    expect(fetch.mock.calls.map(([url]) => String(url)).filter((url) => url.includes('docker.io'))).toEqual([]);
    const other = await openRegistry((res) => sendManifest(res));
    await c.getManifest(ref(other.host));
    expect(mirror.manifests()).toHaveLength(1);
  });

  it('reports the failure of Hub itself, under docker.io', async () => {
    const hub = await openRegistry((res) => sendError(res, 503));
    redirectHub(hub.host);
    await expect(failure(client().getManifest(hubRef))).resolves.toMatchObject({
      message: 'docker.io failed the lookup of library/busybox:1: 503 Service Unavailable',
      registry: 'docker.io',
    });
  });
});

describe('headManifest', () => {
  it('reads the digest and type from the headers of a HEAD', async () => {
    const r = await openRegistry((res) => res.writeHead(200, { 'content-type': OCI_INDEX, 'docker-content-digest': indexDigest }).end());
    await expect(client().headManifest(ref(r.host))).resolves.toEqual({ digest: indexDigest, mediaType: OCI_INDEX });
    expect(r.manifests().map((s) => s.method)).toEqual(['HEAD']);
  });

  it('reads the manifest when the HEAD has no digest, and is undefined on 404', async () => {
    const r = await openRegistry((res, req) => (req.path.endsWith('/gone') ? sendError(res, 404) : sendManifest(res, {})));
    await expect(client().headManifest(ref(r.host))).resolves.toEqual({ digest: indexDigest, mediaType: OCI_INDEX });
    await expect(client().headManifest(ref(r.host, 'gone'))).resolves.toBeUndefined();
    expect(r.manifests().map((s) => s.method)).toEqual(['HEAD', 'GET', 'HEAD']);
  });
});

describe('allowsPlainHttp', () => {
  it.each([
    ['127.0.0.1:5000', true],
    ['127.1.2.3', true],
    ['localhost:5000', true],
    ['[::1]:5000', true],
    ['10.0.0.1:5000', false],
    ['registry.example.com', false],
    ['127.0.0.1.example.com', false],
  ])('%s: %p', (host, allowed) => {
    expect(allowsPlainHttp(host)).toBe(allowed);
  });

  it('allows the hosts the engine treats as insecure', () => {
    expect(allowsPlainHttp('10.0.0.1:5000', (host) => host === '10.0.0.1:5000')).toBe(true);
  });
});
