import { CrossbakeError } from '../core/errors';
import type { CosignCli } from '../cosign/cosign-cli';
import type { ServiceOptions } from '../options/service-options';
import type { ManifestPlan } from '../results/digests';
import { manifestRef, type ManifestReader } from '../reuse/manifest-reader';
import { prepareSigning, type SigningContext } from './sign-step';

/** How the manifest executor signs the lists it creates. */
interface ManifestSigning {
  /** Signs the list just created for `plan`, by the digest its first tag now names: a line to log, or the problem; nothing when it does not sign. */
  sign(plan: ManifestPlan): Promise<{ line?: string; problem?: string }>;
}

/**
 * The signing of a distributed build's lists, checked before any list is created: each project's multiarch
 * options (its `sign`, with the plan's tags) as `optionsOf` gives them. A key that cannot be used stops the
 * whole executor, as its other refusals do, before anything is created.
 */
export async function prepareManifestSigning(
  cosign: CosignCli,
  registry: ManifestReader,
  plans: readonly ManifestPlan[],
  optionsOf: (plan: ManifestPlan) => ServiceOptions,
  ctx: SigningContext,
): Promise<ManifestSigning> {
  const options = new Map(plans.map((plan) => [plan, optionsOf(plan)]));
  const { problems, signer } = await prepareSigning(cosign, [...options.values()], ctx);
  if (problems.size > 0)
    throw new CrossbakeError(`refusing to create manifest lists:\n${[...problems.values()].map((p) => `  - ${p}`).join('\n')}`);
  return {
    sign: async (plan) => {
      const o = options.get(plan)!;
      const head = await registry.headManifest(manifestRef(plan.tags[0]));
      if (!head) return { problem: `${plan.project}: ${plan.tags[0]} is not in the registry after it was created: nothing signed` };
      const result = await signer.sign(o, {
        task: o.id,
        project: plan.project,
        targetName: plan.targetName,
        status: 'built',
        platforms: plan.platforms,
        tags: plan.tags,
        push: true,
        load: false,
        digest: head.digest,
      });
      if (!result.signature) return {};
      return result.signature.signed
        ? { line: `${plan.project}: signed ${result.signature.refs.join(', ')}` }
        : { problem: `${plan.project}: ${result.error}` };
    },
  };
}
