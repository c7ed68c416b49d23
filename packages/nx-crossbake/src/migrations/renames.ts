import { formatFiles, getProjects, logger, readNxJson, updateNxJson, updateProjectConfiguration, type TargetConfiguration, type Tree } from '@nx/devkit';

/**
 * What one release renamed, for `nx migrate` to carry users' project.json and nx.json along: options of one of
 * our executors, and target names. A migration under `<version>/` is `renamesMigration({...})` and its entry
 * in migrations.json.
 */
export interface Renames {
  /** e.g. `nx-crossbake:multiarch`. */
  executor: string;
  /** Old option name → new. */
  options?: Record<string, string>;
  /** Old target name → new, for targets with `executor`; `dependsOn` references follow. */
  targets?: Record<string, string>;
}

type Options = Record<string, unknown> | undefined;

/** Renames keys of one options object; a key whose new name is already set is left for the user, and said. */
function renameKeys(options: Options, renames: Record<string, string>, where: string): boolean {
  if (!options) return false;
  let changed = false;
  for (const [from, to] of Object.entries(renames)) {
    if (!(from in options)) continue;
    if (to in options) {
      logger.warn(`nx-crossbake: ${where} sets both '${from}' (renamed) and '${to}': '${to}' is kept, remove '${from}'`);
      continue;
    }
    options[to] = options[from];
    delete options[from];
    changed = true;
  }
  return changed;
}

function renameTargetOptions(target: TargetConfiguration, renames: Record<string, string>, where: string): boolean {
  let changed = renameKeys(target.options, renames, `${where} options`);
  for (const [name, configuration] of Object.entries(target.configurations ?? {})) {
    changed = renameKeys(configuration, renames, `${where} configuration '${name}'`) || changed;
  }
  return changed;
}

/** `dependsOn` entries naming a renamed target (`name`, `^name`, `project:name`, `{ target: name }`). */
function renameDependsOn(target: TargetConfiguration, renames: Record<string, string>): boolean {
  let changed = false;
  target.dependsOn = target.dependsOn?.map((dep) => {
    if (typeof dep === 'string') {
      const match = dep.match(/^(\^|[^:]+:)?(.+)$/)!;
      const to = renames[match[2]];
      if (to === undefined) return dep;
      changed = true;
      return `${match[1] ?? ''}${to}`;
    }
    if (dep.target && renames[dep.target] !== undefined) {
      changed = true;
      return { ...dep, target: renames[dep.target] };
    }
    return dep;
  });
  return changed;
}

/** Applies the renames to every project and to nx.json's targetDefaults; returns where it changed something. */
export function applyRenames(tree: Tree, renames: Renames): string[] {
  const changed: string[] = [];
  const targetRenames = renames.targets ?? {};
  for (const [project, config] of getProjects(tree)) {
    let touched = false;
    for (const [name, target] of Object.entries(config.targets ?? {})) {
      if (target.executor === renames.executor) touched = renameTargetOptions(target, renames.options ?? {}, `${project}:${name}`) || touched;
      touched = renameDependsOn(target, targetRenames) || touched;
      const to = targetRenames[name];
      if (to !== undefined && target.executor === renames.executor) {
        if (config.targets![to]) logger.warn(`nx-crossbake: ${project} has both '${name}' (renamed) and '${to}': left as they are`);
        else {
          config.targets = Object.fromEntries(Object.entries(config.targets!).map(([n, t]) => [n === name ? to : n, t]));
          touched = true;
        }
      }
    }
    if (touched) {
      updateProjectConfiguration(tree, project, config);
      changed.push(project);
    }
  }
  const nxJson = readNxJson(tree);
  let nxTouched = false;
  for (const [key, defaults] of Object.entries(nxJson?.targetDefaults ?? {})) {
    // A default applies to our executor when keyed by its name, or when it names it.
    if (key === renames.executor || defaults.executor === renames.executor) {
      nxTouched = renameTargetOptions(defaults, renames.options ?? {}, `nx.json targetDefaults['${key}']`) || nxTouched;
    }
    nxTouched = renameDependsOn(defaults, targetRenames) || nxTouched;
  }
  // Defaults keyed by a renamed target's name move to the new name (unless the new one has its own).
  for (const [from, to] of Object.entries(targetRenames)) {
    const defaults = nxJson?.targetDefaults;
    if (!defaults?.[from] || defaults[to]) continue;
    nxJson!.targetDefaults = Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k === from ? to : k, v]));
    nxTouched = true;
  }
  if (nxJson && nxTouched) {
    updateNxJson(tree, nxJson);
    changed.push('nx.json');
  }
  return changed;
}

/** A migration generator for one release's renames: idempotent (a second run finds nothing under the old names). */
export const renamesMigration = (renames: Renames) => async (tree: Tree) => {
  const changed = applyRenames(tree, renames);
  if (changed.length > 0) logger.info(`nx-crossbake: renamed ${renames.executor} options/targets in ${changed.join(', ')}`);
  await formatFiles(tree);
};
