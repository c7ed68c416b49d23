import { DEFAULT_TARGET } from '../core/executor-names';
import { formatFinding } from './checks';
import { isFailing, type ServiceResult } from './service-result';

/** A task's name for people: the project, with its target when it is not the default one (`two:docker-multiarch-debug`). */
export const taskLabel = (r: Pick<ServiceResult, 'project' | 'targetName' | 'task'>) =>
  r.targetName === DEFAULT_TARGET ? r.project : r.task;

export const formatSeconds = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)}s`);

/** What became of the image, as the table says it: a built one is pushed, loaded, both, or built only. */
export const outcome = (r: ServiceResult) => {
  if (r.status !== 'built') return r.status;
  return [r.push && 'pushed', r.load && 'loaded'].filter(Boolean).join('+') || 'built';
};

const shortDigest = (digest: string | undefined) => (digest ? digest.replace(/^sha256:/, '').slice(0, 12) : '-');

/** Why images that push were not looked up by their key: said once per task, under the table. */
function reuseNotes(results: readonly ServiceResult[]): string[] {
  return results.filter((r) => r.reuseOff).map((r) => `reuse off for ${taskLabel(r)}: ${r.reuseOff}`);
}

/**
 * The build-check findings of the tasks that did not fail: a failed task's error already lists what stopped it
 * (`check: error`), and a bake that failed reports no warnings.
 */
export const reportedFindings = (r: ServiceResult) => (isFailing(r.status) ? [] : (r.checks ?? []));

function checkNotes(results: readonly ServiceResult[]): string[] {
  return results.flatMap((r) => reportedFindings(r).map((f) => `check warning for ${taskLabel(r)}: ${formatFinding(f)}`));
}

/** Whether the pushed list is signed, for tables: `yes`, `no`, or `-` for a task that does not sign (or never pushed). */
export const signedCell = (r: ServiceResult) => (r.signature ? (r.signature.signed ? 'yes' : 'no') : '-');

/** A fixed-width table that reads the same in a terminal and in a CI log (no colours, no box drawing). */
export function formatSummary(results: readonly ServiceResult[]): string {
  // The SIGNED column only when a task signs: runs without `sign` keep the table they had.
  const signing = results.some((r) => r.signature);
  const rows = [
    ['PROJECT', 'STATUS', 'PLATFORMS', 'DIGEST', 'TIME', ...(signing ? ['SIGNED'] : [])],
    ...results.map((r) => [
      taskLabel(r),
      outcome(r),
      r.platforms.join(','),
      shortDigest(r.digest),
      formatSeconds(r.durationMs),
      ...(signing ? [signedCell(r)] : []),
    ]),
  ];
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows
    .map((row) =>
      row
        .map((cell, col) => cell.padEnd(widths[col]))
        .join('  ')
        .trimEnd(),
    )
    .concat(reuseNotes(results), checkNotes(results))
    .join('\n');
}

/** The lines Nx shows (and caches) as one task's output. */
export function formatTaskOutput(result: ServiceResult): string {
  const lines = [`${taskLabel(result)}: ${outcome(result)} for ${result.platforms.join(', ')}`];
  if (result.tags.length) lines.push(`  tags: ${result.tags.join(', ')}`);
  if (result.digest) lines.push(`  digest: ${result.digest}`);
  if (result.reused) lines.push(`  reused: the registry had the image of content key ${result.contentKey}`);
  if (result.reuseOff) lines.push(`  reuse off: ${result.reuseOff}`);
  const signature = result.signature;
  if (signature?.signed)
    lines.push(
      `  signed: ${signature.refs.join(', ')} (${signature.added ? `${signature.added} signature(s) added` : 'it had a signature of this key already'})`,
    );
  else if (signature) lines.push('  signed: no');
  const findings = reportedFindings(result);
  if (findings.length) lines.push(`  build checks: ${findings.length} warning(s)`, ...findings.map((f) => `    ${formatFinding(f)}`));
  if (result.error) lines.push(...result.error.split('\n').map((l) => `  ${l}`));
  return lines.join('\n');
}

/**
 * The end of the run's timing line when tasks signed: `; signing 1.2s (3 signature(s) added, 5 image(s) signed
 * already)`, `ms` being the wall time some signing ran (it overlaps bakes: tasks are signed as they finish).
 */
export function formatSigningNote(results: readonly ServiceResult[], ms: number): string {
  const signing = results.filter((r) => r.signature);
  if (signing.length === 0) return '';
  const added = signing.reduce((sum, r) => sum + r.signature!.added, 0);
  const already = signing.filter((r) => r.signature!.signed && r.signature!.added === 0).length;
  return `; signing ${formatSeconds(ms)} (${added} signature(s) added, ${already} image(s) signed already)`;
}
