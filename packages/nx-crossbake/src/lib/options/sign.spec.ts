import { isKeyFile, normalizeSign } from './sign';

const read = (value: unknown, env: Record<string, string> = { COSIGN_PRIVATE_KEY: 'pem' }, push = true, pushByDigest = false) => {
  const problems: string[] = [];
  const sign = normalizeSign(value, { push, pushByDigest, env }, problems);
  return { sign, problems };
};

describe('normalizeSign', () => {
  it('unset or false: the task does not sign', () => {
    for (const value of [undefined, null, false, 'false']) expect(read(value)).toEqual({ sign: undefined, problems: [] });
  });

  it('a key from the environment: offline, COSIGN_PASSWORD, not recursive, 120 s', () => {
    expect(read({ key: 'env://COSIGN_PRIVATE_KEY' })).toEqual({
      sign: {
        key: 'env://COSIGN_PRIVATE_KEY',
        keyless: false,
        passwordEnv: 'COSIGN_PASSWORD',
        verifyKey: undefined,
        recursive: false,
        tlog: false,
        rekorUrl: undefined,
        identity: undefined,
        issuer: undefined,
        timeoutSeconds: 120,
      },
      problems: [],
    });
  });

  it('reads booleans and numbers as a command line gives them', () => {
    expect(read({ key: 'k.key', recursive: 'true', tlog: 'true', timeoutSeconds: '30' }).sign).toMatchObject({
      recursive: true,
      tlog: true,
      timeoutSeconds: 30,
    });
  });

  it('keyless on GitHub Actions: the transparency log, and this repository’s workflows as the identity', () => {
    const { sign, problems } = read({ keyless: true }, { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'acme/shop.app' });
    expect(problems).toEqual([]);
    expect(sign).toMatchObject({
      keyless: true,
      tlog: true,
      identity: '^https://github\\.com/acme/shop\\.app/',
      issuer: 'https://token.actions.githubusercontent.com',
    });
  });

  it.each([
    [true, /expected \{"key"/],
    [{}, /needs exactly one of 'key'/],
    [{ key: 'k', keyless: true }, /needs exactly one of 'key'/],
    [{ key: 'env://UNSET_KEY' }, /UNSET_KEY is not set/],
    [{ key: 'k', password: 'hunter2' }, /never write a key or password in project.json/],
    [{ key: 'k', privateKey: '-----BEGIN' }, /never write a key or password/],
    [{ key: 'k', recursiv: true }, /unknown field 'recursiv'/],
    [{ key: 'k', recursive: 'yes' }, /'sign.recursive' is 'yes': expected true or false/],
    [{ key: 'k', rekorUrl: 'https://rekor.internal' }, /set 'sign.tlog: true'/],
    [{ key: 'k', identity: '.*' }, /is for keyless signing/],
    [{ key: 'k', timeoutSeconds: 0 }, /give at least 1/],
    [{ keyless: true }, /outside GitHub Actions needs 'sign.identity' and 'sign.issuer'/],
    [{ keyless: true, identity: '.*', issuer: 'https://i', verifyKey: 'k.pub' }, /'sign.verifyKey' is for key signing/],
    [{ keyless: true, identity: '.*', issuer: 'https://i', tlog: false }, /always records its signature/],
  ])('%j is refused', (value, problem) => {
    const { sign, problems } = read(value);
    expect(sign).toBeUndefined();
    expect(problems.join('\n')).toMatch(problem);
  });

  it('signs what is pushed', () => {
    expect(read({ key: 'k' }, {}, false).problems).toEqual(["'sign' signs the manifest list a task pushes: set 'push: true'"]);
  });

  it("push-by-digest: the manifest executor signs the list, so a runner need not have the key's variable", () => {
    expect(read({ key: 'env://UNSET_KEY' }, {}, true, true)).toMatchObject({ sign: { key: 'env://UNSET_KEY' }, problems: [] });
  });
});

it('isKeyFile: a path, not env:// nor a KMS or PKCS#11 URI', () => {
  expect(['cosign.key', '/keys/cosign.key', 'keys\\c.key'].map(isKeyFile)).toEqual([true, true, true]);
  expect(['env://K', 'awskms:///alias/a', 'hashivault://k', 'pkcs11:token=x'].map(isKeyFile)).toEqual([false, false, false, false]);
});
