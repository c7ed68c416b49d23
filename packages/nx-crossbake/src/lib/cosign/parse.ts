/**
 * Reading what cosign 3 prints. Recorded outputs: src/lib/__fixtures__/cosign-*.txt.
 */

/** The `critical.type` of a cosign signature: `sign/v1` in the bundle format of cosign 3, the simple-signing type before. */
const SIGNATURE_TYPES = new Set(['https://sigstore.dev/cosign/sign/v1', 'cosign container image signature']);

/**
 * How many signatures `cosign verify` found on the image, from its stdout (a JSON array, one entry per signature
 * or attestation that the key verifies). Attestations (`cosign attest`) verify too, and alone make verify succeed:
 * they are not counted, so an image that carries only an attestation is not signed.
 */
export function countSignatures(stdout: string): number {
  let entries: unknown;
  try {
    entries = JSON.parse(stdout.trim());
  } catch {
    return 0;
  }
  if (!Array.isArray(entries)) return 0;
  return entries.filter((e) => SIGNATURE_TYPES.has((e as { critical?: { type?: unknown } })?.critical?.type as string)).length;
}

/**
 * Exit codes and errors of `cosign verify` that mean "no signature of this key here", as opposed to a failure to
 * look: 10 (no signatures at all; also a digest the repository lacks), 12 (simple-signing signatures of another
 * key), and 1 with "no matching attestations"/"no matching signatures" (bundle signatures of another key).
 */
export function isNoSignatureOfKey(exitCode: number, stderr: string): boolean {
  return exitCode === 10 || exitCode === 12 || (exitCode === 1 && /no matching (attestations|signatures)/.test(stderr));
}

/** cosign's own error line (`Error: …`), without the prefix; the last lines of stderr when it printed none. */
export function cosignError(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.startsWith('Error: '));
  return line ? line.slice('Error: '.length) : stderr.trim().split('\n').slice(-3).join('\n') || 'no output';
}

/** What to tell the user about a private key `cosign public-key` could not read, from its error. */
export function keyProblem(key: string, password: { env: string; set: boolean }, stderr: string): string {
  const error = cosignError(stderr);
  if (/decryption failed/.test(error))
    return password.set
      ? `the password in $${password.env} does not decrypt the key ${key} (${error})`
      : `the key ${key} has a password, and $${password.env} is not set (${error})`;
  if (/inappropriate ioctl|Enter password/.test(stderr)) return `cosign asked for the password of ${key}: set $${password.env}`;
  if (/unsupported pem type: PUBLIC KEY/.test(error))
    return `${key} is a public key: 'sign.key' is the private key ('sign.verifyKey' takes the public one)`;
  if (/unrecognized scheme/.test(error))
    return `this cosign cannot use ${key} (${error}): use a key file, env://, or a KMS your cosign build supports`;
  return `cosign cannot read the key ${key}: ${error}`;
}
