import { CrossbakeError } from '../core/errors';
import { exec as defaultExec, type Exec, type ExecResult } from '../process/exec';
import { publicKeyArgs, signArgs, verifyArgs, versionArgs, type SignMethod, type VerifyMethod } from './commands';
import { cosignError, countSignatures, isNoSignatureOfKey, keyProblem } from './parse';

/** A cosign command that failed: its message says what cosign said, never a secret (those are in the environment only). */
export class CosignError extends CrossbakeError {}

interface Call {
  /** Added to cosign's environment: COSIGN_PASSWORD, DOCKER_CONFIG, an `env://` key's variable, SIGSTORE_ID_TOKEN. */
  env: Record<string, string>;
  /**
   * cosign is stopped after this long: reaching sigstore's services (keyless, a transparency log) it waits on a
   * silent network 60 s per request, twice, and its own `--timeout` does not bound that.
   */
  timeoutMs?: number;
}

const timedOut = (what: string, ms: number, online: boolean) =>
  new CosignError(
    `cosign did not finish ${what} within ${ms / 1000} s` +
      (online ? " (it reaches sigstore's services, TUF, Fulcio and Rekor: are they reachable from here?)" : ''),
  );

/**
 * Every call to cosign goes through here, one typed operation each. `CROSSBAKE_COSIGN` may name another binary
 * than `cosign` on PATH. Values passed in `env` are never traced: only the command line is.
 */
export class CosignCli {
  readonly binary: string;

  constructor(
    private readonly exec: Exec = defaultExec,
    private readonly options: { cosign?: string; trace?: (commandLine: string) => void } = {},
  ) {
    this.binary = options.cosign ?? process.env.CROSSBAKE_COSIGN ?? 'cosign';
  }

  private run(args: string[], env: Record<string, string>, timeoutMs?: number): Promise<ExecResult> {
    this.options.trace?.([this.binary, ...args].join(' '));
    return this.exec(this.binary, args, { env, timeoutMs });
  }

  /** Why cosign cannot be run, or undefined when it can. */
  async missing(): Promise<string | undefined> {
    const result = await this.run(versionArgs(), {});
    if (result.exitCode === 0) return undefined;
    return result.exitCode === 127
      ? `cosign is not installed (${this.binary} not found): install it from sigstore's releases or your distribution, or name it with CROSSBAKE_COSIGN`
      : `${this.binary} version failed: ${cosignError(result.stderr)}`;
  }

  /** The PEM public key of a private key; throws CosignError saying why the key cannot be used. */
  async publicKey(key: string, password: { env: string; set: boolean }, env: Record<string, string>): Promise<string> {
    const result = await this.run(publicKeyArgs(key), env);
    if (result.exitCode !== 0) throw new CosignError(keyProblem(key, password, result.stderr));
    return result.stdout.endsWith('\n') ? result.stdout : `${result.stdout}\n`;
  }

  /** Signs `ref` (`repo@digest`). */
  async sign(ref: string, method: SignMethod, o: Call & { recursive: boolean }): Promise<void> {
    const result = await this.run(signArgs(ref, method, o), o.env, o.timeoutMs);
    if (result.timedOut) throw timedOut(`signing ${ref}`, o.timeoutMs!, method.kind === 'keyless' || method.offline === undefined);
    if (result.exitCode !== 0) throw new CosignError(`cosign sign ${ref} failed: ${cosignError(result.stderr)}`);
  }

  /**
   * The signatures of this key (or identity) on `ref`: 0 when there are none of it (attestations are not
   * signatures). Throws CosignError when cosign could not look (registry unreachable, key unreadable).
   */
  async countSignatures(ref: string, method: VerifyMethod, o: Call): Promise<number> {
    const result = await this.run(verifyArgs(ref, method), o.env, o.timeoutMs);
    if (result.timedOut) throw timedOut(`checking the signatures of ${ref}`, o.timeoutMs!, method.kind === 'keyless' || method.tlog);
    if (result.exitCode === 0) return countSignatures(result.stdout);
    if (isNoSignatureOfKey(result.exitCode, result.stderr)) return 0;
    throw new CosignError(`cosign verify ${ref} failed: ${cosignError(result.stderr)}`);
  }
}
