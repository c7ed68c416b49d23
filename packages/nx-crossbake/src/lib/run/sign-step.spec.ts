import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeOptions } from '../options/normalize';
import { serviceResult } from '../../../test-support/service-result';
import { DIGEST, fakeCosign, PASSWORD } from '../../../test-support/fake-cosign';
import { prepareSigning } from './sign-step';

const env = { COSIGN_PRIVATE_KEY: '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----', COSIGN_PASSWORD: PASSWORD, WRONG: 'nope' };
const task = (name: string, sign: unknown, tags = [`r.example/${name}:1`]) =>
  normalizeOptions(
    { tags, push: true, sign } as never,
    { name, root: `apps/${name}` },
    { env, git: {}, defaultBranch: 'main', now: new Date(0) },
  );
const ctx = () => {
  const workspaceRoot = mkdtempSync(join(tmpdir(), 'crossbake-sign-'));
  return { workspaceRoot, runDir: mkdtempSync(join(tmpdir(), 'crossbake-sign-run-')), env, dockerConfig: '/run/docker' };
};
const KEY = { key: 'env://COSIGN_PRIVATE_KEY' };

describe('prepareSigning: before building, each task that cannot sign fails alone', () => {
  it('cosign missing: every signing task, with where to get it; the others untouched', async () => {
    const { cli } = fakeCosign({ installed: false });
    const { problems } = await prepareSigning(cli, [task('api', KEY), task('web', undefined)], ctx());
    expect([...problems.keys()]).toEqual(['api:docker-multiarch']);
    expect(problems.get('api:docker-multiarch')).toMatch(/^sign: cosign is not installed \(cosign not found\): install it/);
  });

  it('a wrong password, a missing key file, keyless without a token: each its own task’s problem; one check per key', async () => {
    const cosign = fakeCosign();
    const c = ctx();
    writeFileSync(join(c.workspaceRoot, 'cosign.key'), 'pem');
    const { problems } = await prepareSigning(
      cosign.cli,
      [
        task('good', KEY),
        task('also', { ...KEY, recursive: true }),
        task('bad', { ...KEY, passwordEnv: 'WRONG' }),
        task('nofile', { key: 'keys/missing.key' }),
        task('file', { key: 'cosign.key' }),
        task('keyless', { keyless: true, identity: '.*', issuer: 'https://i' }),
      ],
      c,
    );
    expect(Object.fromEntries(problems)).toEqual({
      'bad:docker-multiarch':
        'sign: the password in $WRONG does not decrypt the key env://COSIGN_PRIVATE_KEY (decrypt: encrypted: decryption failed)',
      'nofile:docker-multiarch': 'sign: the key file keys/missing.key does not exist',
      'keyless:docker-multiarch':
        'sign: keyless signing needs an OIDC token: on GitHub Actions give the job `permissions: id-token: write`; elsewhere set SIGSTORE_ID_TOKEN',
    });
    const checks = cosign.calls.filter((c) => c.args[0] === 'public-key').map((c) => c.args[2]);
    expect(checks).toEqual(['env://COSIGN_PRIVATE_KEY', 'env://COSIGN_PRIVATE_KEY', join(c.workspaceRoot, 'cosign.key')]);
  });

  it('never puts the key or its password in argv; gives them, and the run’s Docker config, in the environment', async () => {
    const cosign = fakeCosign();
    const { signer } = await prepareSigning(cosign.cli, [task('api', KEY)], ctx());
    await signer.sign(task('api', KEY), serviceResult({ task: 'api:docker-multiarch', tags: ['r.example/api:1'], digest: DIGEST }));
    expect(cosign.calls.length).toBeGreaterThan(3);
    for (const call of cosign.calls) {
      expect(call.args.join(' ')).not.toContain(PASSWORD);
      expect(call.args.join(' ')).not.toContain(env.COSIGN_PRIVATE_KEY);
    }
    const sign = cosign.calls.find((c) => c.args[0] === 'sign')!;
    expect(sign.env).toEqual({ DOCKER_CONFIG: '/run/docker', COSIGN_PASSWORD: PASSWORD, COSIGN_PRIVATE_KEY: env.COSIGN_PRIVATE_KEY });
    expect(sign.args).toEqual(expect.arrayContaining(['--signing-config', '--trusted-root', `r.example/api@${DIGEST}`]));
  });
});

describe('the signer', () => {
  const result = (name: string, more: object = {}) =>
    serviceResult({ task: `${name}:docker-multiarch`, project: name, tags: [`r.example/${name}:1`], digest: DIGEST, ...more });

  it('signs a pushed list once, verifies it, and says so; an image that has this key’s signature is left as it is', async () => {
    const cosign = fakeCosign();
    const { signer } = await prepareSigning(cosign.cli, [task('api', KEY)], ctx());
    const signed = await signer.sign(task('api', KEY), result('api'));
    expect(signed.signature).toEqual({ signed: true, refs: [`r.example/api@${DIGEST}`], added: 1 });
    // The next run finds it signed: it adds none.
    const next = await prepareSigning(cosign.cli, [task('api', KEY)], ctx());
    const again = await next.signer.sign(task('api', KEY), result('api', { status: 'reused', reused: true }));
    expect(again).toMatchObject({ status: 'reused', signature: { signed: true, added: 0 } });
    expect(cosign.signatures.get(`r.example/api@${DIGEST}`)).toHaveLength(1);
  });

  it('signs in every repository the task pushes to', async () => {
    const cosign = fakeCosign();
    const options = task('api', KEY, ['r.example/api:1', 'r.example/api:latest', 'mirror.example/acme/api:1']);
    const { signer } = await prepareSigning(cosign.cli, [options], ctx());
    const signed = await signer.sign(options, result('api', { tags: options.tags }));
    expect(signed.signature!.refs).toEqual([`r.example/api@${DIGEST}`, `mirror.example/acme/api@${DIGEST}`]);
    expect(signed.signature!.added).toBe(2);
  });

  it('a task finished twice (told early, then at its bake’s end) is signed once, each result keeping its own fields', async () => {
    const cosign = fakeCosign();
    const { signer } = await prepareSigning(cosign.cli, [task('api', KEY)], ctx());
    const early = await signer.sign(task('api', KEY), result('api'));
    const late = await signer.sign(task('api', KEY), result('api', { durationMs: 1234 }));
    expect(late).toEqual({ ...early, durationMs: 1234 });
    expect(cosign.calls.filter((c) => c.args[0] === 'sign')).toHaveLength(1);
  });

  it('two tasks with one image: never two cosign on it at once, and one signature', async () => {
    const cosign = fakeCosign();
    const a = task('api', KEY, ['r.example/shared:a']);
    const b = task('web', KEY, ['r.example/shared:b']);
    const { signer } = await prepareSigning(cosign.cli, [a, b], ctx());
    const before = cosign.calls.length;
    const [ra, rb] = await Promise.all([signer.sign(a, result('api', { tags: a.tags })), signer.sign(b, result('web', { tags: b.tags }))]);
    expect(cosign.signatures.get(`r.example/shared@${DIGEST}`)).toHaveLength(1);
    expect([ra.signature!.added, rb.signature!.added].sort()).toEqual([0, 1]);
    // verify, sign, verify for the first; verify for the second: in sequence
    expect(cosign.calls.slice(before).map((c) => c.args[0])).toEqual(['verify', 'sign', 'verify', 'verify']);
  });

  it('a verify key that is not the signing key’s: the task fails, still reported pushed with its digest', async () => {
    const cosign = fakeCosign();
    const c = ctx();
    writeFileSync(join(c.workspaceRoot, 'other.pub'), 'PUBLIC KEY OF someone-else\n');
    const options = task('api', { ...KEY, verifyKey: 'other.pub' });
    const { signer } = await prepareSigning(cosign.cli, [options], c);
    const failed = await signer.sign(options, result('api'));
    expect(failed).toMatchObject({ status: 'failed', push: true, digest: DIGEST, signature: { signed: false, added: 1 } });
    expect(failed.error).toBe(
      `pushed ${DIGEST}, but not signed: cosign signed r.example/api@${DIGEST}, but verifying it with the public key ${join(c.workspaceRoot, 'other.pub')} finds no signature of it (is verifyKey the public key of sign.key?)`,
    );
  });

  it('leaves alone what did not push, failed, or does not sign', async () => {
    const cosign = fakeCosign();
    const { signer } = await prepareSigning(cosign.cli, [task('api', KEY)], ctx());
    const before = cosign.calls.length;
    for (const r of [result('api', { status: 'failed' }), result('api', { status: 'cancelled' }), result('api', { digest: undefined })])
      expect(await signer.sign(task('api', KEY), r)).toBe(r);
    const other = result('web');
    expect(await signer.sign(task('web', undefined), other)).toBe(other);
    expect(cosign.calls.length).toBe(before);
  });
});
