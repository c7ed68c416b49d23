import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import type { ServiceResult } from './service-result';

/**
 * Where a task's JSON report goes, workspace-relative: one folder per target, so two multiarch targets of
 * a project never share one. Declare `{workspaceRoot}/dist/nx-crossbake/{projectRoot}/<target name>` as the
 * target's outputs.
 */
const getReportPath = (projectRoot: string, targetName: string) =>
  posix.join('dist', 'nx-crossbake', projectRoot, targetName, 'image.json');

/** The Nx `outputs` entry of a multiarch target named `targetName`: the folder its report is written to. */
export const getReportOutput = (targetName: string) => `{workspaceRoot}/dist/nx-crossbake/{projectRoot}/${targetName}`;

export function writeReport(workspaceRoot: string, projectRoot: string, result: ServiceResult): string {
  const path = join(workspaceRoot, getReportPath(projectRoot, result.targetName));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}
