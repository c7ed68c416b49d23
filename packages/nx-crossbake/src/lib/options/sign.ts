/**
 * The `sign` option: cosign signatures on what a task pushes (docs/supply-chain.md). Keys are references
 * (a file, `env://VAR`, a KMS URI), passwords the names of environment variables: no secret is ever written in
 * project.json, and none is read here beyond "is it set".
 */
import type { Env } from '../process/exec';
import { show, toBoolean, toInteger, toText } from './coerce';

export interface SignOptions {
  /** The private key as given: a file (workspace-relative or absolute), `env://VAR`, or a KMS URI (`awskms://…`). */
  key?: string;
  /** OIDC signing with sigstore's public services (Fulcio, Rekor), instead of a key. */
  keyless: boolean;
  /** The environment variable holding the key's password (COSIGN_PASSWORD by default). */
  passwordEnv: string;
  /** The public key verification uses: a file; by default the one derived from `key`. */
  verifyKey?: string;
  /** Also sign every platform manifest (and buildx's attestation manifests) of the list. */
  recursive: boolean;
  /** Record the signature in a transparency log (always for keyless; opt-in for a key, which is signed offline by default). */
  tlog: boolean;
  /** The transparency log of one's own, for a key with `tlog`. */
  rekorUrl?: string;
  /** Keyless: the certificate identity verification requires (a regular expression) and the OIDC issuer. */
  identity?: string;
  issuer?: string;
  /** How long one cosign sign may take (keyless waits on the network without bound otherwise). */
  timeoutSeconds: number;
}

const FIELDS = ['key', 'keyless', 'passwordEnv', 'verifyKey', 'recursive', 'tlog', 'rekorUrl', 'identity', 'issuer', 'timeoutSeconds'];
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The variable an `env://VAR` key reference names. */
export const keyEnvVar = (key: string) => (key.startsWith('env://') ? key.slice('env://'.length) : undefined);

/** A key reference cosign reads from a file (not `env://`, not a KMS or other `scheme://`). */
export const isKeyFile = (key: string) => !/^[a-z0-9]+:\/\//i.test(key) && !key.startsWith('pkcs11:');

/**
 * `sign` checked field by field; undefined when the task does not sign. Signing is by the digest of the manifest
 * list the task pushes; with `push-by-digest` that list is made by the manifest executor, which signs it.
 */
export function normalizeSign(
  value: unknown,
  o: {
    push: boolean;
    /** The task pushes platform images by digest: the manifest executor signs the list, where the key must be. */
    pushByDigest: boolean;
    env: Env;
  },
  problems: string[],
): SignOptions | undefined {
  if (value === undefined || value === null || value === false || value === 'false') return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`'sign' is ${show(value)}: expected {"key": "env://COSIGN_PRIVATE_KEY"} or {"keyless": true}`);
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  const before = problems.length;
  for (const field of Object.keys(raw).filter((f) => !FIELDS.includes(f))) {
    problems.push(
      /pass(word)?$|private|secret|token/i.test(field)
        ? `'sign' has '${field}': never write a key or password in project.json; name an environment variable (key: "env://VAR", passwordEnv)`
        : `'sign' has an unknown field '${field}' (fields: ${FIELDS.join(', ')})`,
    );
  }
  const text = (field: string) => {
    const v = toText(`sign.${field}`, raw[field], problems)?.trim();
    return v === '' ? undefined : v;
  };
  const sign: SignOptions = {
    key: text('key'),
    keyless: toBoolean('sign.keyless', raw.keyless, problems) ?? false,
    passwordEnv: text('passwordEnv') ?? 'COSIGN_PASSWORD',
    verifyKey: text('verifyKey'),
    recursive: toBoolean('sign.recursive', raw.recursive, problems) ?? false,
    tlog: toBoolean('sign.tlog', raw.tlog, problems) ?? raw.keyless === true,
    rekorUrl: text('rekorUrl'),
    identity: text('identity'),
    issuer: text('issuer'),
    timeoutSeconds: toInteger('sign.timeoutSeconds', raw.timeoutSeconds, problems) ?? 120,
  };
  if (problems.length > before) return undefined;

  if (!o.push) problems.push("'sign' signs the manifest list a task pushes: set 'push: true'");
  if (sign.timeoutSeconds < 1) problems.push(`'sign.timeoutSeconds' is ${sign.timeoutSeconds}: give at least 1`);
  if (sign.keyless === (sign.key !== undefined)) {
    problems.push(`'sign' needs exactly one of 'key' (a file, env://VAR or a KMS URI) and 'keyless: true'`);
  } else if (sign.keyless) {
    for (const field of ['passwordEnv', 'verifyKey', 'rekorUrl'] as const)
      if (raw[field] !== undefined) problems.push(`'sign.${field}' is for key signing; keyless signing has no key`);
    if (!sign.tlog) problems.push("keyless signing always records its signature in sigstore's transparency log: drop 'sign.tlog: false'");
    // On GitHub Actions the certificate names the workflow: verification expects this repository's.
    const github = o.env.GITHUB_ACTIONS === 'true' && o.env.GITHUB_REPOSITORY;
    sign.identity ??= github ? `^https://github\\.com/${escapeRegExp(o.env.GITHUB_REPOSITORY!)}/` : undefined;
    sign.issuer ??= github ? GITHUB_ISSUER : undefined;
    if (!sign.identity || !sign.issuer)
      problems.push(
        "keyless signing outside GitHub Actions needs 'sign.identity' and 'sign.issuer': what verification checks the certificate against",
      );
  } else {
    const variable = keyEnvVar(sign.key!);
    if (variable !== undefined && !o.pushByDigest && !o.env[variable])
      problems.push(`'sign.key' is ${sign.key}, but ${variable} is not set (or empty)`);
    for (const field of ['identity', 'issuer'] as const)
      if (raw[field] !== undefined)
        problems.push(`'sign.${field}' is for keyless signing; a key's signature is verified with its public key`);
    if (sign.rekorUrl && !sign.tlog) problems.push("'sign.rekorUrl' names a transparency log: set 'sign.tlog: true' to use it");
  }
  return problems.length > before ? undefined : sign;
}
