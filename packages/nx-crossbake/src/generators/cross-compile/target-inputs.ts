/**
 * The Dockerfile, build context and platforms a multiarch target builds. A generator reads project.json
 * from the Tree, which never holds inferred targets, so the target is put together as Nx would: the
 * plugin's inferred target (when the plugin is registered and the project has a Dockerfile at its root)
 * with the project.json target merged over it. The defaults of `file`, `context` and `platforms` are the
 * executor's own, applied by normalizeOptions, so the generator reads what the build will read.
 */
import { joinPathFragments, type ProjectConfiguration, type TargetConfiguration, type Tree } from '@nx/devkit';
import { inferredTarget, inferredTargetName as pluginTargetName } from '../../plugins/inferred-targets';
import { normalizeOptions } from '../../lib/options/normalize';
import { InvalidOptionsError } from '../../lib/core/errors';
import type { MultiarchExecutorSchema } from '../../lib/options/schemas/multiarch';
import type { PluginEntryOptions } from '../../lib/graph/plugin-entry';

interface TargetInputs {
  dockerfile: string;
  /** Workspace-relative, `.` for the workspace root. */
  context: string;
  platforms: string[];
}

/** The plugin's nx.json entry: undefined when it is not registered. */
type RegisteredPlugin = PluginEntryOptions | undefined;

/** The name the plugin gives its inferred target, read as the plugin reads it. */
export const inferredTargetName = (plugin: RegisteredPlugin): string | undefined =>
  plugin === undefined ? undefined : pluginTargetName(plugin);

/** The target as Nx merges it: an explicit target with the same (or no) executor adds its options to the inferred one's. */
function mergedTarget(
  explicit: TargetConfiguration | undefined,
  inferred: TargetConfiguration | undefined,
): TargetConfiguration | undefined {
  if (explicit === undefined || inferred === undefined) return explicit ?? inferred;
  if (explicit.executor !== undefined && explicit.executor !== inferred.executor) return explicit;
  return { ...inferred, ...explicit, options: { ...inferred.options, ...explicit.options } };
}

export function readTargetInputs(
  tree: Tree,
  project: ProjectConfiguration,
  targetName: string,
  plugin: RegisteredPlugin,
): TargetInputs | string {
  const name = project.name ?? project.root;
  const infers = targetName === inferredTargetName(plugin) && tree.isFile(joinPathFragments(project.root, 'Dockerfile'));
  const target = mergedTarget(project.targets?.[targetName], infers ? inferredTarget(name, plugin ?? {}, targetName) : undefined);
  if (target === undefined) {
    const names = Object.keys(project.targets ?? {});
    const why =
      plugin === undefined
        ? 'and the nx-crossbake plugin is not registered in nx.json to infer one'
        : `and the plugin infers '${inferredTargetName(plugin)}' only for a project with a Dockerfile at its root`;
    return `project '${name}' has no target '${targetName}'${names.length ? ` (it has ${names.join(', ')})` : ''} ${why}: pass --target=<the nx-crossbake:multiarch target>, or add one with \`nx g nx-crossbake:configuration --project=${name}\``;
  }
  const options = (target.options ?? {}) as Record<string, unknown>;
  const path = (value: unknown) =>
    typeof value === 'string'
      ? value.replace(/^\{projectRoot\}\/?/, `${project.root}/`).replace(/^\{workspaceRoot\}\/?/, '') || '.'
      : value;
  // Only the three options the rewrite reads, so a build-time problem (an unset secret variable, say) never stops it;
  // `outputs` keeps normalizeOptions from asking what the build would produce, which the rewrite does not care about.
  const raw = {
    file: path(options.file),
    context: path(options.context),
    platforms: options.platforms,
    outputs: ['type=cacheonly'],
  } as MultiarchExecutorSchema;
  try {
    const normalized = normalizeOptions(raw, { name, root: project.root, targetName });
    return { dockerfile: normalized.file, context: normalized.context, platforms: normalized.platforms };
  } catch (error) {
    if (!(error instanceof InvalidOptionsError)) throw error;
    return `${name}:${targetName} cannot be read:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`;
  }
}
