import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import type { ServiceResult } from './service-result';

/** Where a project's JSON report goes, workspace-relative: declare `{workspaceRoot}/dist/nx-crossbake/{projectRoot}` as the target's outputs. */
export const getReportPath = (projectRoot: string) => posix.join('dist', 'nx-crossbake', projectRoot, 'image.json');

export function writeReport(workspaceRoot: string, projectRoot: string, result: ServiceResult): string {
  const path = join(workspaceRoot, getReportPath(projectRoot));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}
