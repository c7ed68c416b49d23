import { describeVerifier, publicKeyArgs, signArgs, verifyArgs } from './commands';

const REF = '127.0.0.1:5000/acme/api@sha256:16da291f552e6678f72271803d47ecce1d91825ee817719abe166d9a7d1edc28';
const offline = { signingConfig: '/run/cosign-signing-config.json', trustedRoot: '/run/cosign-trusted-root.json' };

describe('signArgs', () => {
  it('key signing offline: the empty signing config and trusted root, so no sigstore service is asked', () => {
    expect(signArgs(REF, { kind: 'key', key: 'env://COSIGN_PRIVATE_KEY', offline }, { recursive: false })).toEqual([
      'sign',
      '--key',
      'env://COSIGN_PRIVATE_KEY',
      '--signing-config',
      offline.signingConfig,
      '--trusted-root',
      offline.trustedRoot,
      '-y',
      REF,
    ]);
  });

  it('recursive signs every manifest of the list', () => {
    expect(signArgs(REF, { kind: 'key', key: '/keys/cosign.key', offline }, { recursive: true })).toContain('--recursive');
    expect(signArgs(REF, { kind: 'key', key: '/keys/cosign.key', offline }, { recursive: false })).not.toContain('--recursive');
  });

  it('tlog: true with a key: cosign’s own services (sigstore’s public Rekor), nothing offline', () => {
    expect(signArgs(REF, { kind: 'key', key: 'awskms:///alias/release' }, { recursive: false })).toEqual([
      'sign',
      '--key',
      'awskms:///alias/release',
      '-y',
      REF,
    ]);
  });

  it('tlog: true with a Rekor of one’s own: cosign 3 takes it only without a signing config', () => {
    expect(signArgs(REF, { kind: 'key', key: '/k', rekorUrl: 'https://rekor.internal' }, { recursive: false })).toEqual([
      'sign',
      '--key',
      '/k',
      '--use-signing-config=false',
      '--tlog-upload=true',
      '--rekor-url',
      'https://rekor.internal',
      '-y',
      REF,
    ]);
  });

  it('keyless: no key, the identity token comes from the environment (never argv)', () => {
    const args = signArgs(REF, { kind: 'keyless' }, { recursive: true });
    expect(args).toEqual(['sign', '--recursive', '-y', REF]);
    expect(args.join(' ')).not.toMatch(/token/i);
  });
});

describe('verifyArgs', () => {
  it('a key, offline: the transparency log is not asked', () => {
    expect(verifyArgs(REF, { kind: 'key', publicKey: '/run/cosign-0.pub', tlog: false })).toEqual([
      'verify',
      '--key',
      '/run/cosign-0.pub',
      '--insecure-ignore-tlog=true',
      REF,
    ]);
  });

  it('a key with tlog: the log entry is checked too', () => {
    expect(verifyArgs(REF, { kind: 'key', publicKey: '/k.pub', tlog: true })).toEqual(['verify', '--key', '/k.pub', REF]);
  });

  it('keyless: the certificate’s identity and issuer', () => {
    const method = {
      kind: 'keyless' as const,
      identity: '^https://github\\.com/acme/shop/',
      issuer: 'https://token.actions.githubusercontent.com',
    };
    expect(verifyArgs(REF, method)).toEqual([
      'verify',
      '--certificate-identity-regexp',
      method.identity,
      '--certificate-oidc-issuer',
      method.issuer,
      REF,
    ]);
    expect(describeVerifier(method)).toBe(`identity ${method.identity} from ${method.issuer}`);
  });
});

it('publicKeyArgs reads the key by reference', () => {
  expect(publicKeyArgs('env://K')).toEqual(['public-key', '--key', 'env://K']);
});
