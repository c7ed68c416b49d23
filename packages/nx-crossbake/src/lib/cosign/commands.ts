/**
 * argv of the cosign commands we run (cosign 3). Pure: the CLI (cosign-cli.ts) runs them. Secrets never appear
 * here: a key is a reference (a file, `env://VAR`, a KMS URI) and its password is in the child's environment.
 */

/** How an image is signed. */
export type SignMethod =
  | {
      kind: 'key';
      /** As the user gave it: a file, `env://VAR`, or a KMS URI cosign knows (`awskms://…`). */
      key: string;
      /**
       * Offline (the default): the empty signing config and trusted root the run wrote (offline-trust.ts), so cosign
       * asks no sigstore service. Without them cosign 3 fetches sigstore's TUF repository first.
       */
      offline?: { signingConfig: string; trustedRoot: string };
      /** A transparency log of the user's own (with `offline` unset); cosign's default services otherwise. */
      rekorUrl?: string;
    }
  | { kind: 'keyless' };

/** How a signature is checked. */
export type VerifyMethod =
  | { kind: 'key'; publicKey: string; tlog: boolean }
  | {
      kind: 'keyless';
      /** The certificate's identity (a regular expression: the workflow's URL on GitHub Actions). */
      identity: string;
      /** The OIDC issuer that vouched for it. */
      issuer: string;
    };

export function signArgs(ref: string, method: SignMethod, o: { recursive: boolean }): string[] {
  const args = ['sign'];
  if (method.kind === 'key') {
    args.push('--key', method.key);
    if (method.offline) args.push('--signing-config', method.offline.signingConfig, '--trusted-root', method.offline.trustedRoot);
    // cosign 3 takes a log of one's own only on its older path, without a signing config.
    else if (method.rekorUrl) args.push('--use-signing-config=false', '--tlog-upload=true', '--rekor-url', method.rekorUrl);
  }
  if (o.recursive) args.push('--recursive');
  return [...args, '-y', ref];
}

export function verifyArgs(ref: string, method: VerifyMethod): string[] {
  const args = ['verify'];
  if (method.kind === 'key') {
    args.push('--key', method.publicKey);
    if (!method.tlog) args.push('--insecure-ignore-tlog=true');
  } else {
    args.push('--certificate-identity-regexp', method.identity, '--certificate-oidc-issuer', method.issuer);
  }
  return [...args, ref];
}

/** A verifier as people read it: `the public key keys/cosign.pub`, `identity … from …`. */
export const describeVerifier = (v: VerifyMethod) =>
  v.kind === 'key' ? `the public key ${v.publicKey}` : `identity ${v.identity} from ${v.issuer}`;

/** Prints the public key of a private key: the key readable, its password right (it decrypts it). */
export const publicKeyArgs = (key: string) => ['public-key', '--key', key];

export const versionArgs = () => ['version'];
