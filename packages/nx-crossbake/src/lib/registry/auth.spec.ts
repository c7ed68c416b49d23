import { createAuthorizer, parseChallenge, type Fetch } from './auth';
import type { Credentials } from './credentials';
import { RegistryError } from './registry-error';

describe('parseChallenge', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' } },
    ],
    [
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/api:pull"',
      { scheme: 'bearer', params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:acme/api:pull' } },
    ],
    ['Basic realm="crossbake"', { scheme: 'basic', params: { realm: 'crossbake' } }],
    ['basic  Realm=registry , charset="UTF-8"', { scheme: 'basic', params: { realm: 'registry', charset: 'UTF-8' } }],
    ['Bearer realm="a \\"quoted\\" realm"', { scheme: 'bearer', params: { realm: 'a "quoted" realm' } }],
    // Several challenges in one header: the first scheme, the first value of each parameter.
    ['Bearer realm="https://r/token", Basic realm="other"', { scheme: 'bearer', params: { realm: 'https://r/token' } }],
    ['Negotiate', { scheme: 'negotiate', params: {} }],
  ])('reads %s', (header, challenge) => {
    expect(parseChallenge(header)).toEqual(challenge);
  });

  it.each([[null], [''], ['   ']])('is undefined for %p', (header) => {
    expect(parseChallenge(header)).toBeUndefined();
  });
});

describe('createAuthorizer', () => {
  const credentials: Credentials = { username: 'u', password: 'p4ss', source: 'config.json' };
  const bearer = { scheme: 'bearer', params: { realm: 'https://auth.example.com/token', service: 'reg' } };

  function authorizer(answer: () => Response, creds: Credentials | undefined) {
    const urls: string[] = [];
    const headers: Record<string, string>[] = [];
    const fetch: Fetch = async (url, init) => {
      urls.push(url);
      headers.push((init?.headers ?? {}) as Record<string, string>);
      return answer();
    };
    return { authorization: createAuthorizer({ fetch, credentials: async () => creds }), urls, headers };
  }
  const token = (body: object) => () => Response.json(body);

  it('trades the credentials for a pull token of the repository, and keeps it per scope', async () => {
    const { authorization, urls, headers } = authorizer(token({ token: 't1', expires_in: 300 }), credentials);
    await expect(authorization('r.example.com', 'acme/api', bearer)).resolves.toBe('Bearer t1');
    await expect(authorization('r.example.com', 'acme/api', bearer)).resolves.toBe('Bearer t1');
    expect(urls).toEqual(['https://auth.example.com/token?service=reg&scope=repository%3Aacme%2Fapi%3Apull']);
    expect(headers[0]).toEqual({ Authorization: `Basic ${Buffer.from('u:p4ss').toString('base64')}` });
    await authorization('r.example.com', 'acme/web', bearer);
    expect(urls).toHaveLength(2);
  });

  it('asks anonymously without credentials, and reads access_token', async () => {
    const { authorization, headers } = authorizer(token({ access_token: 'anon' }), undefined);
    await expect(authorization('docker.io', 'library/busybox', bearer)).resolves.toBe('Bearer anon');
    expect(headers[0]).toEqual({});
  });

  it('asks again when told the token was refused, and after a failed request', async () => {
    let status = 503;
    const { authorization, urls } = authorizer(() => Response.json({ token: 't' }, { status }), credentials);
    await expect(authorization('r', 'a/b', bearer)).rejects.toThrow(RegistryError);
    status = 200;
    await authorization('r', 'a/b', bearer);
    await authorization('r', 'a/b', bearer, true);
    expect(urls).toHaveLength(3);
  });

  it('sends Basic credentials to a Basic challenge, and nothing to an unknown one', async () => {
    const { authorization, urls } = authorizer(token({}), credentials);
    await expect(authorization('r', 'a/b', { scheme: 'basic', params: {} })).resolves.toBe(
      `Basic ${Buffer.from('u:p4ss').toString('base64')}`,
    );
    await expect(authorization('r', 'a/b', { scheme: 'negotiate', params: {} })).resolves.toBeUndefined();
    await expect(authorization('r', 'a/b', undefined)).resolves.toBeUndefined();
    expect(urls).toEqual([]);
  });

  it('names the token service and never the credentials when a token is refused', async () => {
    const { authorization } = authorizer(() => new Response('{}', { status: 401, statusText: 'Unauthorized' }), credentials);
    const error = await authorization('r.example.com', 'a/b', bearer).catch((e: RegistryError) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).message).toBe(
      'auth.example.com refused a token for repository:a/b:pull on r.example.com with the credentials from config.json: 401 Unauthorized',
    );
    expect((error as RegistryError).status).toBe(401);
  });
});
