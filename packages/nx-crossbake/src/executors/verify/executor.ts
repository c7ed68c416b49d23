import { resolve } from 'node:path';
import { logger, type ExecutorContext } from '@nx/devkit';
import { CosignCli } from '../../lib/cosign/cosign-cli';
import type { VerifyMethod } from '../../lib/cosign/commands';
import { CrossbakeError } from '../../lib/core/errors';
import { MULTIARCH_EXECUTOR } from '../../lib/core/executor-names';
import { resolveGitFacts } from '../../lib/git/commit-facts';
import { readExecutorOptions } from '../../lib/options/executor-options';
import { normalizeOptions } from '../../lib/options/normalize';
import { normalizeSign } from '../../lib/options/sign';
import type { MultiarchExecutorSchema, SignOption } from '../../lib/options/schemas/multiarch';
import schema from '../../lib/options/schemas/verify.json';
import type { VerifyExecutorSchema } from '../../lib/options/schemas/verify';
import { exec } from '../../lib/process/exec';
import { createRegistryClient } from '../../lib/registry/client';
import { verifyTags } from '../../lib/run/verify-images';
import { executorResult } from '../executor-result';
import { traceFor } from '../verbose';

/** `nx run <project>:docker-verify`: the tags as the registry has them now are signed lists of every platform. */
export default async function verifyExecutor(options: VerifyExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return executorResult(async () => {
    const projectName = context.projectName!;
    const read = readExecutorOptions('docker-verify', schema, options, (r) => ({
      target: r.text('target')!,
      key: r.text('key'),
      identity: r.text('identity'),
      issuer: r.text('issuer'),
      tags: r.list('tags', 'comma'),
    }));
    const project = context.projectsConfigurations.projects[projectName];
    const target = project?.targets?.[read.target];
    if (target?.executor !== MULTIARCH_EXECUTOR)
      throw new CrossbakeError(
        `${projectName} has no '${read.target}' target with the ${MULTIARCH_EXECUTOR} executor: add one, or set 'target'`,
      );
    const raw = (target.options ?? {}) as MultiarchExecutorSchema;
    const sign: SignOption = typeof raw.sign === 'object' && raw.sign ? raw.sign : {};
    // The tags and platforms as the build renders them; what only the build needs (its key, its logins) is left out.
    const facts = {
      env: process.env,
      git: await resolveGitFacts(exec, context.root),
      defaultBranch: context.nxJsonConfiguration?.defaultBase ?? 'main',
      now: new Date(),
    };
    const image = normalizeOptions(
      { ...raw, ...(read.tags.length ? { tags: read.tags } : {}), sign: undefined, registries: undefined, push: true },
      { name: projectName, root: project.root, targetName: read.target },
      facts,
    );
    const method = verifierOf(read, sign, context.root, projectName);
    const cosign = new CosignCli(exec, { trace: traceFor(context) });
    const missing = await cosign.missing();
    if (missing) throw new CrossbakeError(`${projectName}: ${missing}`);
    const checks = await verifyTags(cosign, createRegistryClient({ env: process.env, exec }), {
      tags: image.tags,
      platforms: image.platforms,
      method,
      env: {},
    });
    for (const check of checks) {
      if (check.problems.length === 0)
        logger.info(
          `nx-crossbake: ${check.tag} → ${check.digest}: ${image.platforms.join(', ')}, signed (${check.signatures} signature(s))`,
        );
      else for (const problem of check.problems) logger.error(`nx-crossbake: ${problem}`);
    }
    return checks.every((c) => c.problems.length === 0);
  });
}

/** The key (or identity) to verify with: the executor's own options, else the target's `sign`. */
function verifierOf(
  read: { key?: string; identity?: string; issuer?: string },
  sign: SignOption,
  root: string,
  project: string,
): VerifyMethod {
  const key = read.key ?? sign.verifyKey;
  if (key) return { kind: 'key', publicKey: resolve(root, key), tlog: sign.tlog === true || sign.tlog === 'true' };
  // Keyless defaults as the build computed them (on GitHub Actions, this repository's workflows and GitHub's issuer).
  const keyless =
    sign.keyless === true || sign.keyless === 'true'
      ? normalizeSign(sign, { push: true, pushByDigest: true, env: process.env }, [])
      : undefined;
  const identity = read.identity ?? keyless?.identity ?? sign.identity;
  const issuer = read.issuer ?? keyless?.issuer ?? sign.issuer;
  if (identity && issuer) return { kind: 'keyless', identity, issuer };
  throw new CrossbakeError(
    `${project}: nothing to verify with: set 'key' (a public key file) or 'identity' and 'issuer' (keyless), here or in the target's 'sign'`,
  );
}
