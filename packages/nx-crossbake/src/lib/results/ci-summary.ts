/**
 * The reports a CI system shows, written when its environment asks for them, whatever the tasks' outcome:
 * - GITHUB_STEP_SUMMARY, set by GitHub Actions to a file per step: each run (each batch, when Nx runs several)
 *   appends one Markdown section, which GitHub renders on the run's page
 *   (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#adding-a-job-summary);
 * - NX_CROSSBAKE_JUNIT, a path: JUnit XML (junit.ts).
 * Both hold what the summary table holds and the tasks' errors, which carry no secret values.
 */
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Env } from '../process/exec';
import { nxRunMarker, writeJunit } from './junit';
import { isFailing, type ServiceResult } from './service-result';
import { formatFinding } from './checks';
import { formatSeconds, outcome, reportedFindings, signedCell, taskLabel } from './summary';

/** A cause longer than this keeps its end (buildx's error and our hint): the task's output has it all. */
const MAX_CAUSE_LINES = 40;

// Colour codes and control characters (tab and line feed stay) would show as garbage or break the table.
// eslint-disable-next-line no-control-regex
const CONTROL = /\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f]/g;
const clean = (text: string) => text.replace(/\r\n?/g, '\n').replace(CONTROL, '');

/** Plain text in a table cell: one line, with every character Markdown or HTML would act on escaped. */
const cell = (text: string) =>
  clean(text)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/[\\`*_[\]<>|&~]/g, '\\$&');

/** A code span that holds any text: its fence is longer than any run of backticks inside (CommonMark 6.1). */
function code(text: string): string {
  const inner = clean(text).replace(/\s*\n\s*/g, ' ');
  const fence = '`'.repeat(Math.max(0, ...(inner.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = inner.startsWith('`') || inner.endsWith('`') ? ' ' : '';
  // In a table GitHub splits cells before it reads code spans: a pipe needs its backslash there too.
  return `${fence}${pad}${inner}${pad}${fence}`.replace(/\|/g, '\\|');
}

/** A fenced block for a multi-line cause, fenced with more backticks than any line of it holds. */
function codeBlock(text: string): string[] {
  const lines = clean(text).trim().split('\n');
  const kept =
    lines.length > MAX_CAUSE_LINES
      ? [`… ${lines.length - MAX_CAUSE_LINES} earlier lines left out (the task's output has them)`, ...lines.slice(-MAX_CAUSE_LINES)]
      : lines;
  const fence = '`'.repeat(Math.max(3, ...(text.match(/`+/g) ?? []).map((run) => run.length + 1)));
  return [`${fence}text`, ...kept, fence];
}

/** "8 tasks, 7 pushed, 1 failed" */
function counts(results: readonly ServiceResult[]): string {
  const byOutcome = new Map<string, number>();
  for (const r of results) byOutcome.set(outcome(r), (byOutcome.get(outcome(r)) ?? 0) + 1);
  const parts = [...byOutcome].map(([name, n]) => `${n} ${name}`);
  return [`${results.length} task${results.length === 1 ? '' : 's'}`, ...parts].join(', ');
}

/** One run's section of the job summary: a table of its tasks, then each failure with its cause. */
export function renderStepSummary(results: readonly ServiceResult[]): string {
  const signing = results.some((r) => r.signature);
  const lines = [
    `### nx-crossbake: ${counts(results)}`,
    '',
    `| Task | Status | Platforms | Digest | Tags | Time | Checks |${signing ? ' Signed |' : ''}`,
    `| --- | --- | --- | --- | --- | ---: | ---: |${signing ? ' --- |' : ''}`,
    ...results.map((r) => {
      const cells = [
        cell(taskLabel(r)),
        cell(outcome(r)),
        r.platforms.map(cell).join(', ') || '-',
        r.digest ? code(r.digest) : '-',
        r.tags.map(code).join('<br>') || '-',
        formatSeconds(r.durationMs),
        String(r.checks?.length ?? 0),
        ...(signing ? [signedCell(r)] : []),
      ];
      return `| ${cells.join(' | ')} |`;
    }),
  ];
  const warned = results.filter((r) => reportedFindings(r).length > 0);
  if (warned.length > 0) {
    lines.push('', '#### Build check warnings', '');
    for (const r of warned) for (const f of reportedFindings(r)) lines.push(`- **${cell(taskLabel(r))}**: ${cell(formatFinding(f))}`);
  }
  const failed = results.filter((r) => isFailing(r.status));
  if (failed.length > 0) {
    lines.push('', '#### Failures');
    for (const r of failed) lines.push('', `**${cell(taskLabel(r))}** ${r.status}:`, '', ...codeBlock(r.error?.trim() || r.status));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes the reports the environment asks for. A report that cannot be written is a warning: the tasks'
 * results stand. `env` is the run's environment (RunFacts.env).
 */
export async function writeCiReports(
  results: readonly ServiceResult[],
  { workspaceRoot, env, log }: { workspaceRoot: string; env: Env; log: (message: string) => void },
): Promise<void> {
  if (results.length === 0) return;
  const summary = env.GITHUB_STEP_SUMMARY;
  if (summary) {
    try {
      // One write in append mode: sections of batches that finish at once do not interleave.
      appendFileSync(resolve(workspaceRoot, summary), `\n${renderStepSummary(results)}`);
    } catch (e) {
      log(`nx-crossbake: warning: could not add to the job summary ${summary} (GITHUB_STEP_SUMMARY): ${(e as Error).message}`);
    }
  }
  const junit = env.NX_CROSSBAKE_JUNIT;
  if (junit) {
    const file = resolve(workspaceRoot, junit);
    try {
      await writeJunit(file, nxRunMarker(env), results);
    } catch (e) {
      log(`nx-crossbake: warning: could not write the JUnit report ${file} (NX_CROSSBAKE_JUNIT): ${(e as Error).message}`);
    }
  }
}
