import { formatFiles, getProjects, logger, updateProjectConfiguration, type Tree } from '@nx/devkit';
import { MULTIARCH_EXECUTOR } from '../../lib/core/executor-names';
import { getReportOutput } from '../../lib/results/report';

/** What 0.1.0's generators declared: the project's whole report folder, shared by all its multiarch targets. */
export const PROJECT_REPORT_OUTPUT = '{workspaceRoot}/dist/nx-crossbake/{projectRoot}';

/**
 * 0.2.0 keys every run by Nx task: a multiarch target writes its image.json under a folder of its own
 * (`…/{projectRoot}/<target>`). Targets written by 0.1.0's generators still declare the project's folder,
 * so two targets of one project would claim, and on a cache hit restore, each other's report. Narrow them;
 * any other output is the user's and is left alone. A second run finds nothing to change.
 */
export default async function perTargetReportOutputs(tree: Tree): Promise<void> {
  const changed: string[] = [];
  for (const [name, project] of getProjects(tree)) {
    let touched = false;
    for (const [targetName, target] of Object.entries(project.targets ?? {})) {
      if (target.executor !== MULTIARCH_EXECUTOR || !target.outputs?.includes(PROJECT_REPORT_OUTPUT)) continue;
      target.outputs = target.outputs.map((output) => (output === PROJECT_REPORT_OUTPUT ? getReportOutput(targetName) : output));
      touched = true;
      changed.push(`${name}:${targetName}`);
    }
    if (touched) updateProjectConfiguration(tree, name, project);
  }
  if (changed.length > 0) logger.info(`nx-crossbake: each multiarch target now declares its own report folder: ${changed.join(', ')}`);
  await formatFiles(tree);
}
