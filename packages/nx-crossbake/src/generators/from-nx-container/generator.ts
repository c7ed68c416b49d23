import {
  formatFiles,
  getProjects,
  logger,
  readNxJson,
  readProjectConfiguration,
  updateProjectConfiguration,
  type NxJsonConfiguration,
  type ProjectConfiguration,
  type TargetConfiguration,
  type Tree,
} from '@nx/devkit';
import { convertTarget, MULTIARCH_EXECUTOR } from './convert-target';
import { NX_CONTAINER_EXECUTOR, NX_CONTAINER_PLUGIN } from './nx-container-options';
import { hasFindings, renderReport, reportMessages, REPORT_PATH, type ConversionSummary } from './conversion-report';
import type { FromNxContainerGeneratorSchema } from './schema';
import { appliedTargetDefaults } from './target-defaults';

const BACKUP_SUFFIX = '-nx-container';
const backupName = (target: string) => `${target}${BACKUP_SUFFIX}`;
/** A copy this generator kept on an earlier run: the original of the target it is named after. */
const isBackup = (name: string, targets: Record<string, TargetConfiguration>) =>
  name.endsWith(BACKUP_SUFFIX) && targets[name.slice(0, -BACKUP_SUFFIX.length)]?.executor === MULTIARCH_EXECUTOR;

/** A project's targets with each nx-container target converted and its original right after it. */
function convertProject(project: string, config: ProjectConfiguration, nxJson: NxJsonConfiguration | null, summary: ConversionSummary) {
  const targets: Record<string, TargetConfiguration> = {};
  const existing = config.targets ?? {};
  for (const [name, target] of Object.entries(existing)) {
    targets[name] = target;
    if (target.executor !== NX_CONTAINER_EXECUTOR || isBackup(name, existing)) continue;
    if (existing[backupName(name)]) {
      summary.skipped.push({
        project,
        target: name,
        reason: `a target '${backupName(name)}' exists already, so the original could not be kept: rename it and run again`,
      });
      continue;
    }
    const before = appliedTargetDefaults(nxJson, name, NX_CONTAINER_EXECUTOR);
    const after = appliedTargetDefaults(nxJson, name, MULTIARCH_EXECUTOR);
    const {
      target: converted,
      unsupported,
      notes,
    } = convertTarget(target, name, { stopsApplying: before?.key === after?.key ? undefined : before });
    if (after && after.key === before?.key && (after.defaults.options || after.defaults.configurations)) {
      notes.push(
        `nx.json targetDefaults['${after.key}'] still applies, and its options are nx-container's: check that nx-crossbake:multiarch takes them`,
      );
    } else if (after && after.key !== before?.key) {
      notes.push(`nx.json targetDefaults['${after.key}'] applies to it from now on`);
    }
    targets[name] = converted;
    targets[backupName(name)] = structuredClone(target);
    summary.converted.push({ project, target: name, backup: backupName(name), unsupported, notes });
  }
  return targets;
}

/** Converts, and returns what it did; the default export prints it. Exported for callers that want the summary. */
export function convertFromNxContainer(tree: Tree, options: FromNxContainerGeneratorSchema): ConversionSummary {
  const nxJson = readNxJson(tree);
  const summary: ConversionSummary = { converted: [], skipped: [], warnings: [] };
  const projects = options.project ? new Map([[options.project, readProjectConfiguration(tree, options.project)]]) : getProjects(tree);
  for (const [name, config] of projects) {
    if (!Object.values(config.targets ?? {}).some((t) => t.executor === NX_CONTAINER_EXECUTOR)) continue;
    const before = summary.converted.length;
    const targets = convertProject(name, config, nxJson, summary);
    if (summary.converted.length > before) updateProjectConfiguration(tree, name, { ...config, targets });
  }
  if (nxJson?.plugins?.some((p) => (typeof p === 'string' ? p : p.plugin) === NX_CONTAINER_PLUGIN)) {
    summary.warnings.push(
      `nx.json registers the ${NX_CONTAINER_PLUGIN} plugin: the targets it infers are in no project.json and were not converted; ` +
        'register nx-crossbake (nx g nx-crossbake:init) and remove that plugin when you are ready',
    );
  }
  if (hasFindings(summary)) tree.write(REPORT_PATH, renderReport(summary));
  return summary;
}

/** `nx g nx-crossbake:from-nx-container [--project=<name>]`. */
export default async function fromNxContainerGenerator(tree: Tree, options: FromNxContainerGeneratorSchema): Promise<void> {
  const summary = convertFromNxContainer(tree, options);
  const { warn, info } = reportMessages(summary);
  for (const line of info) logger.info(`nx-crossbake: ${line}`);
  for (const line of warn) logger.warn(`nx-crossbake: ${line}`);
  if (hasFindings(summary)) logger.info(`nx-crossbake: report written to ${REPORT_PATH}`);
  if (summary.converted.length === 0 && summary.skipped.length === 0)
    logger.info(
      `nx-crossbake: no ${NX_CONTAINER_EXECUTOR} target found${options.project ? ` in ${options.project}` : ''}: nothing changed`,
    );
  if (!options.skipFormat) await formatFiles(tree);
}
