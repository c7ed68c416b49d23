import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cosignError, countSignatures, isNoSignatureOfKey, keyProblem } from './parse';

const fixture = (name: string) => readFileSync(join(__dirname, '../__fixtures__', name), 'utf8');

describe('countSignatures (cosign verify stdout)', () => {
  it('counts a cosign 3 signature', () => expect(countSignatures(fixture('cosign-verify.signed.out.txt'))).toBe(1));

  it('does not count an attestation, which alone makes cosign verify succeed', () =>
    expect(countSignatures(fixture('cosign-verify.attestation-only.out.txt'))).toBe(0));

  it('counts each signature of the key, and legacy simple-signing ones, beside attestations', () => {
    const [signed] = JSON.parse(fixture('cosign-verify.signed.out.txt'));
    const [attestation] = JSON.parse(fixture('cosign-verify.attestation-only.out.txt'));
    const legacy = { critical: { type: 'cosign container image signature' }, optional: null };
    expect(countSignatures(JSON.stringify([signed, attestation, signed, legacy]))).toBe(3);
  });

  it('reads nothing into output that is not a JSON array', () => {
    expect(countSignatures('')).toBe(0);
    expect(countSignatures('{"critical":{"type":"https://sigstore.dev/cosign/sign/v1"}}')).toBe(0);
  });
});

describe('isNoSignatureOfKey', () => {
  it('exit 10 "no signatures found" (unsigned, or a digest the repository lacks)', () =>
    expect(isNoSignatureOfKey(10, fixture('cosign-verify.unsigned.err.txt'))).toBe(true));

  it('exit 1 "no matching attestations": signatures of another key', () =>
    expect(isNoSignatureOfKey(1, fixture('cosign-verify.wrong-key.err.txt'))).toBe(true));

  it('any other failure is a failure to look, not an answer', () => {
    expect(isNoSignatureOfKey(1, 'Error: Get "https://127.0.0.1:5999/v2/": connection refused')).toBe(false);
    expect(isNoSignatureOfKey(11, 'Error: image tag not found')).toBe(false);
  });
});

describe('keyProblem (cosign public-key stderr)', () => {
  it.each([
    ['wrong', 'the password in $COSIGN_PASSWORD does not decrypt the key cosign.key (decrypt: encrypted: decryption failed)'],
    ['env', 'cosign cannot read the key cosign.key: loading URL: env var $NOPE_UNSET not found'],
    ['missing', 'cosign cannot read the key cosign.key: open missing.key: no such file or directory'],
    ['pub', "cosign.key is a public key: 'sign.key' is the private key ('sign.verifyKey' takes the public one)"],
    [
      'kms',
      'this cosign cannot use cosign.key (loading URL: unrecognized scheme: gcpkms://): use a key file, env://, or a KMS your cosign build supports',
    ],
  ])('%s', (name, message) =>
    expect(keyProblem('cosign.key', { env: 'COSIGN_PASSWORD', set: true }, fixture(`cosign-public-key.${name}.err.txt`))).toBe(message),
  );

  it('cosign’s prompt without a terminal means the password variable is missing', () =>
    expect(keyProblem('k', { env: 'PW', set: false }, 'Enter password for private key: Error: inappropriate ioctl for device')).toBe(
      'cosign asked for the password of k: set $PW',
    ));

  it('a password-protected key and no password: the variable is named as unset', () =>
    expect(keyProblem('k', { env: 'PW', set: false }, fixture('cosign-public-key.wrong.err.txt'))).toBe(
      'the key k has a password, and $PW is not set (decrypt: encrypted: decryption failed)',
    ));
});

it('cosignError takes cosign’s own Error line', () => {
  expect(cosignError(fixture('cosign-verify.unsigned.err.txt'))).toBe('no signatures found');
  expect(cosignError('')).toBe('no output');
});
