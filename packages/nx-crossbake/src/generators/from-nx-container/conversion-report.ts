import type { Unsupported } from './types';

export const REPORT_PATH = 'tmp/nx-crossbake/from-nx-container-report.md';

export interface ConvertedTarget {
  project: string;
  target: string;
  /** Name of the untouched copy of the original target. */
  backup: string;
  unsupported: Array<Unsupported & { where: string }>;
  notes: string[];
}

export interface ConversionSummary {
  converted: ConvertedTarget[];
  /** Targets left as nx-container targets, and why. */
  skipped: Array<{ project: string; target: string; reason: string }>;
  /** Workspace-wide things to check (nx.json plugins, targetDefaults). */
  warnings: string[];
}

/** True when there is anything to report: a converted or skipped target, or a workspace warning. */
export const hasFindings = (summary: ConversionSummary) => summary.converted.length + summary.skipped.length + summary.warnings.length > 0;

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function targetSection(t: ConvertedTarget): string[] {
  const lines = [`## ${t.project}:${t.target}`, '', `Original kept as \`${t.project}:${t.backup}\`.`, ''];
  if (t.unsupported.length > 0) {
    lines.push('Not carried over (the original target still has them):', '', '| where | option | why |', '| --- | --- | --- |');
    lines.push(...t.unsupported.map((u) => `| ${cell(u.where)} | \`${cell(u.option)}\` | ${cell(u.reason)} |`), '');
  } else {
    lines.push('Every option was carried over.', '');
  }
  if (t.notes.length > 0) lines.push('Converted with a change:', '', ...t.notes.map((n) => `- ${n}`), '');
  return lines;
}

/** The Markdown report: per target what was not carried over and what changed, then what was skipped. */
export function renderReport(summary: ConversionSummary): string {
  const lines = [
    '# @nx-tools/nx-container → nx-crossbake',
    '',
    `${summary.converted.length} target(s) now use \`nx-crossbake:multiarch\`. Each original is kept, unchanged, as ` +
      '`<target>-nx-container`: compare, then delete it (and the @nx-tools/nx-container package) when nothing listed here is missed.',
    '',
    'nx-container also read `INPUT_<OPTION>` and `INPUT_<PROJECT>_<OPTION>` environment variables (e.g. `INPUT_PUSH` in CI), which ' +
      'override project.json; nx-crossbake does not. Move such settings into a configuration or the command line (`--push`).',
    '',
  ];
  for (const t of summary.converted) lines.push(...targetSection(t));
  if (summary.skipped.length > 0) {
    lines.push('## Not converted', '', ...summary.skipped.map((s) => `- ${s.project}:${s.target}: ${s.reason}`), '');
  }
  if (summary.warnings.length > 0) lines.push('## Workspace', '', ...summary.warnings.map((w) => `- ${w}`), '');
  return lines.join('\n');
}

/** The lines to print: warnings for what was lost or needs a look, information for the rest. */
export function reportMessages(summary: ConversionSummary): { warn: string[]; info: string[] } {
  const warn: string[] = [];
  const info: string[] = [];
  for (const t of summary.converted) {
    info.push(`${t.project}:${t.target} → nx-crossbake:multiarch (original kept as ${t.backup})`);
    for (const u of t.unsupported) warn.push(`${t.project}:${t.target}: '${u.option}' (${u.where}) not carried over: ${u.reason}`);
    for (const n of t.notes) info.push(`${t.project}:${t.target}: ${n}`);
  }
  for (const s of summary.skipped) warn.push(`${s.project}:${s.target} not converted: ${s.reason}`);
  warn.push(...summary.warnings);
  return { warn, info };
}
