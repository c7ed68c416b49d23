import type { BakeDefinition, BakeTarget } from '../docker/bake-file';

/**
 * The bake file that checks some targets of a run's bake file before it is built (`bake --call check`). A check
 * builds nothing, so a target keeps only what its Dockerfile is read with: context, Dockerfile, stage, platforms,
 * args, named contexts, secrets and ssh (bake refuses a target whose secret is missing, as the build would).
 *
 * buildx cannot check a target linked to a sibling by `target:` ("unsupported context source target"): the
 * sibling is not built yet. That named context is replaced by `standIn`, an empty folder: the Dockerfile reads
 * the same, but the stand-in has no image config, so the `ENV` the sibling would give is unknown there
 * (`relinked` names those targets, whose UndefinedVar findings mean nothing).
 */
export function getCheckDefinition(
  definition: BakeDefinition,
  targets: readonly string[],
  standIn: string,
): { definition: BakeDefinition; relinked: Set<string> } {
  const relinked = new Set<string>();
  const target: Record<string, BakeTarget> = {};
  for (const name of targets) {
    const { context, dockerfile, platforms, args, target: stage, contexts, secret, ssh } = definition.target[name];
    const checked: BakeTarget = { context, dockerfile, platforms, output: ['type=cacheonly'] };
    if (args) checked.args = args;
    if (stage) checked.target = stage;
    if (contexts) {
      checked.contexts = Object.fromEntries(
        Object.entries(contexts).map(([ref, value]) => {
          if (!value.startsWith('target:')) return [ref, value];
          relinked.add(name);
          return [ref, standIn];
        }),
      );
    }
    if (secret) checked.secret = secret;
    if (ssh) checked.ssh = ssh;
    target[name] = checked;
  }
  return { definition: { group: { default: { targets: [...targets] } }, target }, relinked };
}

/** The rule whose findings depend on the base image's `ENV`, which a stand-in does not have. */
export const BASE_ENV_RULE = 'UndefinedVar';
