import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exec, ExecResult } from '../process/exec';
import { createCredentialStore } from './credentials';
import { RegistryError } from './registry-error';

const b64 = (text: string) => Buffer.from(text).toString('base64');

function configDir(config?: object | string): string {
  const dir = mkdtempSync(join(tmpdir(), 'crossbake-registry-creds-'));
  if (config !== undefined) writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

/** A fake exec that answers every helper with `result`, recording what it was asked. */
function helper(result: Partial<ExecResult>) {
  return jest.fn<ReturnType<Exec>, Parameters<Exec>>(async () => ({ exitCode: 0, stdout: '', stderr: '', ...result }));
}
const noHelper = helper({ exitCode: 99 });

function store(config: object | string | undefined, exec: Exec = noHelper) {
  return createCredentialStore({ env: {}, dockerConfigDir: configDir(config), exec });
}

describe('createCredentialStore: config.json auths', () => {
  it.each([
    ['127.0.0.1:5001', '127.0.0.1:5001'],
    ['http://127.0.0.1:5001', '127.0.0.1:5001'],
    ['https://r.example.com', 'r.example.com'],
    ['https://r.example.com/v1/', 'r.example.com'],
    ['https://https-user@r.example.com/', 'r.example.com'],
    ['https://index.docker.io/v1/', 'docker.io'],
  ])('finds an entry under %s for %s', async (key, registry) => {
    const found = await store({ auths: { [key]: { auth: b64('user:pa:ss') } } })(registry);
    expect(found).toEqual({ username: 'user', password: 'pa:ss', source: expect.stringMatching(/config\.json$/) });
  });

  it.each([
    ['another host', { 'other.example.com': { auth: b64('u:p') } }, 'r.example.com'],
    // Hub is read by its own key only, as docker does.
    ['Hub under a host key', { 'docker.io': { auth: b64('u:p') } }, 'docker.io'],
    ['an identity token only', { 'r.example.com': { identitytoken: 'refresh' } }, 'r.example.com'],
    ['an auth that is not user:password', { 'r.example.com': { auth: b64('nocolon') } }, 'r.example.com'],
  ])('is anonymous for %s', async (_what, auths, registry) => {
    await expect(store({ auths })(registry)).resolves.toBeUndefined();
  });

  it('prefers the exact key to a legacy spelling', async () => {
    const auths = { 'https://r.example.com/v1/': { auth: b64('old:1') }, 'r.example.com': { auth: b64('new:2') } };
    await expect(store({ auths })('r.example.com')).resolves.toMatchObject({ username: 'new' });
  });

  it('is anonymous without a config.json, and says a broken one is broken without quoting it', async () => {
    await expect(store(undefined)('r.example.com')).resolves.toBeUndefined();
    const error = await store('{"auths": {"r": {"auth": "c2VjcmV0"}} broken-s3cret')('r').catch((e: Error) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(/^cannot read the credentials for r: .*config\.json is not valid JSON$/);
    expect((error as Error).message).not.toMatch(/s3cret|c2VjcmV0/);
  });

  it('reads the folder given over DOCKER_CONFIG, and DOCKER_CONFIG over HOME/.docker', async () => {
    const entry = (u: string) => ({ auths: { r: { auth: b64(`${u}:p`) } } });
    const home = configDir();
    mkdirSync(join(home, '.docker'));
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify(entry('home')));
    const env = { HOME: home, DOCKER_CONFIG: configDir(entry('env')) };
    const lookUp = (o: { env: Record<string, string>; dockerConfigDir?: string }) => createCredentialStore({ ...o, exec: noHelper })('r');
    await expect(lookUp({ env, dockerConfigDir: configDir(entry('given')) })).resolves.toMatchObject({ username: 'given' });
    await expect(lookUp({ env })).resolves.toMatchObject({ username: 'env' });
    await expect(lookUp({ env: { HOME: home } })).resolves.toMatchObject({ username: 'home' });
  });
});

describe('createCredentialStore: credential helpers', () => {
  const answer = { stdout: JSON.stringify({ ServerURL: 'x', Username: 'helper-user', Secret: 'helper-secret' }) };

  it('runs the credsStore helper with the address on stdin, once per registry however many ask', async () => {
    const exec = helper(answer);
    const lookUp = store({ credsStore: 'desktop', auths: { 'r.example.com': { auth: b64('file:p') } } }, exec);
    const found = await Promise.all([lookUp('r.example.com'), lookUp('r.example.com'), lookUp('docker.io')]);
    expect(found[0]).toEqual({ username: 'helper-user', password: 'helper-secret', source: 'docker-credential-desktop' });
    expect(found[1]).toBe(found[0]);
    expect(exec.mock.calls).toEqual([
      ['docker-credential-desktop', ['get'], { input: 'r.example.com' }],
      ['docker-credential-desktop', ['get'], { input: 'https://index.docker.io/v1/' }],
    ]);
  });

  it("takes the registry's credHelpers entry over credsStore, and an empty one as the file", async () => {
    const exec = helper(answer);
    const config = {
      credsStore: 'desktop',
      credHelpers: { 'gcr.io': 'gcloud', '127.0.0.1:5001': '' },
      auths: { '127.0.0.1:5001': { auth: b64('run-login:p') } },
    };
    const lookUp = store(config, exec);
    await expect(lookUp('gcr.io')).resolves.toMatchObject({ source: 'docker-credential-gcloud' });
    await expect(lookUp('127.0.0.1:5001')).resolves.toMatchObject({ username: 'run-login' });
    expect(exec.mock.calls.map(([file]) => file)).toEqual(['docker-credential-gcloud']);
  });

  it.each([
    ['holds nothing for the address', helper({ exitCode: 1, stdout: 'credentials not found in native keychain' })],
    ['answers an identity token', helper({ stdout: JSON.stringify({ Username: '<token>', Secret: 'refresh-token' }) })],
  ])('is anonymous when the helper %s', async (_what, exec) => {
    await expect(store({ credsStore: 'pass' }, exec)('r.example.com')).resolves.toBeUndefined();
  });

  it('says which helper failed, and how', async () => {
    const exec = helper({ exitCode: 127, stderr: 'docker-credential-nope: command not found' });
    await expect(store({ credsStore: 'nope' }, exec)('r.example.com')).rejects.toThrow(
      /^docker-credential-nope \(named in .*config\.json\) could not give the credentials for r\.example\.com: exit code 127, docker-credential-nope: command not found$/,
    );
  });

  it('never quotes output that is not the JSON it expects', async () => {
    const exec = helper({ stdout: 'Username=u Secret=leaked-s3cret' });
    const error = await store({ credsStore: 'odd' }, exec)('r').catch((e: Error) => e);
    expect((error as Error).message).toBe('docker-credential-odd answered with no credentials JSON for r');
  });
});
