import { existsSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { CosignError, type CosignCli } from '../cosign/cosign-cli';
import { describeVerifier, type SignMethod, type VerifyMethod } from '../cosign/commands';
import { writeOfflineTrust } from '../cosign/offline-trust';
import { repositoryOf } from '../options/image-names';
import type { ServiceOptions } from '../options/service-options';
import { isKeyFile, keyEnvVar, type SignOptions } from '../options/sign';
import type { Env } from '../process/exec';
import type { ServiceResult, SignatureResult } from '../results/service-result';
import type { GroupReuse } from './reuse-step';

/** How one task signs and verifies, once its key has been checked. */
interface TaskSigning {
  sign: SignMethod;
  verify: VerifyMethod;
  /** cosign's environment for this task: the password, an `env://` key's variable, the run's Docker configuration. */
  env: Record<string, string>;
  recursive: boolean;
  timeoutMs: number;
}

export interface Signer {
  /**
   * The result of a task that pushed (built or reused), with its manifest list signed in every repository it
   * was pushed to, unless a signature of this key is there already, and verified. A signing that fails makes
   * the task fail, its push and digest still reported. Results of tasks that do not sign pass unchanged.
   */
  sign(options: ServiceOptions, result: ServiceResult): Promise<ServiceResult>;
}

export interface SigningContext {
  workspaceRoot: string;
  /** The run's private folder: the offline trust files and derived public keys go there (nothing secret). */
  runDir: string;
  env: Env;
  /** The run's Docker configuration (its registry logins), for cosign to reach the registries the push did. */
  dockerConfig?: string;
}

const hasOidcToken = (env: Env) =>
  Boolean(env.SIGSTORE_ID_TOKEN || (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN));

/** A key file as cosign is given it: absolute, workspace-relative ones resolved. */
const keyPath = (workspaceRoot: string, key: string) => (isKeyFile(key) && !isAbsolute(key) ? resolve(workspaceRoot, key) : key);

/** A key or verify key file that is not there. */
function missingFile(workspaceRoot: string, sign: SignOptions): string | undefined {
  if (isKeyFile(sign.key!) && !existsSync(keyPath(workspaceRoot, sign.key!))) return `the key file ${sign.key} does not exist`;
  if (sign.verifyKey && !existsSync(resolve(workspaceRoot, sign.verifyKey)))
    return `the public key file ${sign.verifyKey} (verifyKey) does not exist`;
  return undefined;
}

/** cosign's environment for a key: its password (empty when unset: cosign would prompt otherwise), an `env://` key's variable. */
function keyEnv(sign: SignOptions, env: Env): Record<string, string> {
  const variable = keyEnvVar(sign.key!);
  return { COSIGN_PASSWORD: env[sign.passwordEnv] ?? '', ...(variable ? { [variable]: env[variable] ?? '' } : {}) };
}

/** How a keyless task signs, or why it cannot: cosign needs an OIDC token, from the CI or SIGSTORE_ID_TOKEN. */
function keylessSigning(sign: SignOptions, env: Env): Pick<TaskSigning, 'sign' | 'verify' | 'env'> | string {
  if (!hasOidcToken(env))
    return 'keyless signing needs an OIDC token: on GitHub Actions give the job `permissions: id-token: write`; elsewhere set SIGSTORE_ID_TOKEN';
  return {
    sign: { kind: 'keyless' },
    verify: { kind: 'keyless', identity: sign.identity!, issuer: sign.issuer! },
    env: env.SIGSTORE_ID_TOKEN ? { SIGSTORE_ID_TOKEN: env.SIGSTORE_ID_TOKEN } : {},
  };
}

/**
 * Checks, before anything is built, that every signing task can sign: cosign runs, a keyless task has an OIDC
 * token, a key is readable and its password right (`cosign public-key`, once per key and password, which also
 * gives the public key verification uses unless `verifyKey` names one). Each problem is its task's alone.
 */
export async function prepareSigning(
  cosign: CosignCli,
  tasks: readonly ServiceOptions[],
  ctx: SigningContext,
): Promise<{ problems: Map<string, string>; signer: Signer }> {
  const problems = new Map<string, string>();
  const ready = new Map<string, TaskSigning>();
  // A runner pushing platform images by digest signs nothing: the manifest executor signs the list.
  const signing = tasks.filter((t) => t.sign && t.pushByDigest === undefined);
  const missing = signing.length > 0 ? await cosign.missing() : undefined;
  if (missing) signing.forEach((t) => problems.set(t.id, `sign: ${missing}`));
  const docker: Record<string, string> = ctx.dockerConfig ? { DOCKER_CONFIG: ctx.dockerConfig } : {};
  let offline: { signingConfig: string; trustedRoot: string } | undefined;
  /** Each key checked once (per password): the public key's file, or why the key cannot sign. */
  const publicKeys = new Map<string, Promise<string>>();
  const keyed: { task: ServiceOptions; checked: Promise<string> }[] = [];
  for (const t of missing ? [] : signing) {
    const sign = t.sign!;
    const common = { recursive: sign.recursive, timeoutMs: sign.timeoutSeconds * 1000 };
    if (sign.keyless) {
      const keyless = keylessSigning(sign, ctx.env);
      if (typeof keyless === 'string') problems.set(t.id, `sign: ${keyless}`);
      else ready.set(t.id, { ...keyless, env: { ...docker, ...keyless.env }, ...common });
      continue;
    }
    const problem = missingFile(ctx.workspaceRoot, sign);
    if (problem) {
      problems.set(t.id, `sign: ${problem}`);
      continue;
    }
    const key = keyPath(ctx.workspaceRoot, sign.key!);
    const env = { ...docker, ...keyEnv(sign, ctx.env) };
    if (!sign.tlog) offline ??= writeOfflineTrust(ctx.runDir);
    const id = `${key}\n${sign.passwordEnv}`;
    if (!publicKeys.has(id)) {
      const file = join(ctx.runDir, `cosign-${publicKeys.size}.pub`);
      const checked = cosign.publicKey(key, { env: sign.passwordEnv, set: ctx.env[sign.passwordEnv] !== undefined }, env).then((pem) => {
        writeFileSync(file, pem);
        return file;
      });
      checked.catch(() => undefined); // awaited below, in task order; this keeps an early refusal from going unhandled meanwhile
      publicKeys.set(id, checked);
    }
    keyed.push({ task: t, checked: publicKeys.get(id)! });
    ready.set(t.id, {
      sign: { kind: 'key', key, offline: sign.tlog ? undefined : offline, rekorUrl: sign.rekorUrl },
      verify: { kind: 'key', publicKey: sign.verifyKey ? resolve(ctx.workspaceRoot, sign.verifyKey) : '', tlog: sign.tlog },
      env,
      ...common,
    });
  }
  for (const { task, checked } of keyed) {
    try {
      const derived = await checked;
      const signing = ready.get(task.id)!;
      if (signing.verify.kind === 'key' && !signing.verify.publicKey) signing.verify = { ...signing.verify, publicKey: derived };
    } catch (e) {
      if (!(e instanceof CosignError)) throw e;
      ready.delete(task.id);
      problems.set(task.id, `sign: ${e.message}`);
    }
  }
  return { problems, signer: signerFor(cosign, ready) };
}

/** Signs and verifies results as TaskSigning says; never two cosign processes on one image at a time. */
function signerFor(cosign: CosignCli, ready: ReadonlyMap<string, TaskSigning>): Signer {
  // On a registry without the referrers API each signature rewrites one index tag (sha256-<hex>) without a lock:
  // two signings of one image at once keep only one of them (seen on the rig's registry 2.8).
  const queues = new Map<string, Promise<unknown>>();
  const oneAtATime = <T>(ref: string, fn: () => Promise<T>): Promise<T> => {
    const next = (queues.get(ref) ?? Promise.resolve()).then(fn);
    queues.set(
      ref,
      next.catch(() => undefined),
    );
    return next;
  };
  /** Signs `ref` unless this key has signed it already, then verifies it; `added` is told of a signature pushed. */
  const signOnce = (ref: string, s: TaskSigning, added: () => void) =>
    oneAtATime(ref, async () => {
      if ((await cosign.countSignatures(ref, s.verify, s)) > 0) return;
      await cosign.sign(ref, s.sign, s);
      added();
      if ((await cosign.countSignatures(ref, s.verify, s)) === 0)
        throw new CosignError(
          `cosign signed ${ref}, but verifying it with ${describeVerifier(s.verify)} finds no signature of it` +
            (s.verify.kind === 'key' ? ' (is verifyKey the public key of sign.key?)' : ''),
        );
    });
  /** The signature of a task's image, in every repository it pushes to. */
  const signImage = async (options: ServiceOptions, digest: string, s: TaskSigning): Promise<SignatureResult> => {
    const refs = [...new Set(options.tags.map(repositoryOf))].map((repo) => `${repo}@${digest}`);
    let added = 0;
    try {
      await Promise.all(refs.map((ref) => signOnce(ref, s, () => added++)));
      return { signed: true, refs, added };
    } catch (e) {
      if (!(e instanceof CosignError)) throw e;
      return { signed: false, refs, added, error: e.message };
    }
  };
  const signatures = new Map<string, Promise<SignatureResult>>();
  return {
    sign: async (options, result) => {
      const s = ready.get(options.id);
      // Pushed by digest, a platform image is no list: the manifest executor signs the list it makes (sign-manifests.ts).
      const list = options.push && options.pushByDigest === undefined;
      if (!s || !list || !result.digest || (result.status !== 'built' && result.status !== 'reused')) return result;
      // A task told done early is finished once more when its bake ends: its image is signed once.
      const key = `${options.id}@${result.digest}`;
      if (!signatures.has(key)) signatures.set(key, signImage(options, result.digest, s));
      const signature = await signatures.get(key)!;
      if (signature.signed) return { ...result, signature };
      const what = result.status === 'reused' ? 'reused' : 'pushed';
      return { ...result, status: 'failed', signature, error: `${what} ${result.digest}, but not signed: ${signature.error}` };
    },
  };
}

/**
 * A group's reuse whose results come signed: reused tasks once their tags are pointed, built ones once finished
 * (early or at the bake's end). Signing is part of a task's result, so a task is told done only once signed.
 */
export function withSigning(reuse: GroupReuse, signer: Signer, optionsOf: (task: string) => ServiceOptions): GroupReuse {
  const results = reuse.results.then((done) => Promise.all(done.map((r) => signer.sign(optionsOf(r.task), r))));
  results.catch(() => undefined); // awaited by the caller, as reuse.results is
  return {
    ...reuse,
    finish: async (options, result) => signer.sign(options, await reuse.finish(options, result)),
    finishEarly: async (options, result) => {
      const finished = await reuse.finishEarly(options, result);
      return finished && signer.sign(options, finished);
    },
    results,
  };
}
