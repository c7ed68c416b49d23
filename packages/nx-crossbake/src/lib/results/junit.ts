/**
 * JUnit XML of a run's tasks (`NX_CROSSBAKE_JUNIT=<path>`), for CI systems that show test reports: GitLab's
 * `artifacts: reports: junit`, Jenkins, Azure Pipelines. The elements and attributes are those of the common
 * JUnit XML format as GitLab and Jenkins read it (https://github.com/testmoapp/junitxml): one `<testcase>` per
 * Nx task, a `<failure>` for each task that was not built or reused.
 *
 * Nx may run one command's tasks in several batch processes, one after another or at once, each with its own
 * results: they merge into one file, under a lock, each replacing the test cases of its own tasks. A file left
 * by an earlier Nx run is replaced, not merged: every file names the run that wrote it (see nxRunMarker).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomically } from '../core/json-file';
import { lockPath, withLock } from '../core/lock';
import type { Env } from '../process/exec';
import { isFailing, type ServiceResult } from './service-result';
import { formatTaskOutput } from './summary';

/** The test case of one task as it stands in the file, with what the suite's totals need. */
interface JunitCase {
  task: string;
  seconds: number;
  failed: boolean;
  /** The whole `<testcase>…</testcase>` element, indented as in the file. */
  xml: string;
}

const RUN_PROPERTY = 'nx-crossbake.run';

// buildx output may carry colour codes, and XML 1.0 allows no control character but tab, LF and CR, escaped or not.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;
const NOT_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const xmlText = (text: string) =>
  text.replace(ANSI, '').replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Line breaks as character references: a parser would turn a literal one in an attribute into a space. */
const xmlAttr = (text: string) =>
  xmlText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#10': '\n', '#13': '\r', '#9': '\t' };
/** Reads back what xmlAttr wrote (one pass, so `&amp;lt;` stays `&lt;`). */
const fromXmlAttr = (text: string) => text.replace(/&(amp|lt|gt|quot|#10|#13|#9);/g, (_, name: string) => ENTITIES[name]);

/**
 * The line of a cause that says why, for the failure's message: buildx's closing `ERROR: …` line when there is
 * one (the lines before are the target's last steps, hints come after), else the first line, where our own
 * messages say it.
 */
const causeLine = (cause: string) => {
  const lines = cause.split('\n');
  return ([...lines].reverse().find((line) => line.startsWith('ERROR: ')) ?? lines[0]).trim();
};

export function junitCase(result: ServiceResult): JunitCase {
  const seconds = (result.durationMs ?? 0) / 1000;
  // A task that fails in Nx fails its test case; `reused` passes, like `built`.
  const failed = isFailing(result.status);
  const lines = [`    <testcase classname="${xmlAttr(result.project)}" name="${xmlAttr(result.task)}" time="${seconds.toFixed(3)}">`];
  if (failed) {
    const cause = result.error?.trim() || result.status;
    lines.push(`      <failure message="${xmlAttr(causeLine(cause))}" type="${result.status}">${xmlText(cause)}</failure>`);
  }
  // What Nx shows as the task's output ("api: reused for …"), without the cause the failure already holds.
  lines.push(`      <system-out>${xmlText(formatTaskOutput({ ...result, error: undefined }))}</system-out>`, '    </testcase>');
  return { task: result.task, seconds, failed, xml: lines.join('\n') };
}

export function renderJunit(run: string, cases: readonly JunitCase[]): string {
  const seconds = cases.reduce((sum, c) => sum + c.seconds, 0);
  const counts = `tests="${cases.length}" failures="${cases.filter((c) => c.failed).length}" errors="0" skipped="0" time="${seconds.toFixed(3)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="nx-crossbake" ${counts}>`,
    `  <testsuite name="nx-crossbake" ${counts}>`,
    '    <properties>',
    `      <property name="${RUN_PROPERTY}" value="${xmlAttr(run)}"/>`,
    '    </properties>',
    ...cases.map((c) => c.xml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/**
 * Reads a file renderJunit wrote: its run and test cases. Text and attributes are escaped, so `</testcase>`
 * and `<failure` occur only as elements. A file of another tool has no run, so it is replaced.
 */
export function parseJunit(xml: string): { run?: string; cases: JunitCase[] } {
  const run = xml.match(new RegExp(`<property name="${RUN_PROPERTY.replace(/\./g, '\\.')}" value="([^"]*)"/>`))?.[1];
  const cases = (xml.match(/<testcase\b[\s\S]*?<\/testcase>/g) ?? []).flatMap((element) => {
    const start = element.slice(0, element.indexOf('>'));
    const task = start.match(/\sname="([^"]*)"/)?.[1];
    if (task === undefined) return [];
    const seconds = Number(start.match(/\stime="([^"]*)"/)?.[1]);
    return [
      {
        task: fromXmlAttr(task),
        seconds: Number.isFinite(seconds) ? seconds : 0,
        failed: /<failure\b/.test(element),
        xml: `    ${element}`,
      },
    ];
  });
  return { run: run === undefined ? undefined : fromXmlAttr(run), cases };
}

/** The earlier batches' cases, each task's replaced by this batch's in place; this batch's new tasks after them. */
export function mergeJunitCases(earlier: readonly JunitCase[], current: readonly JunitCase[]): JunitCase[] {
  const currentByTask = new Map(current.map((c) => [c.task, c]));
  const earlierTasks = new Set(earlier.map((c) => c.task));
  return [...earlier.map((c) => currentByTask.get(c.task) ?? c), ...current.filter((c) => !earlierTasks.has(c.task))];
}

/** Start time of a process from Linux's /proc/<pid>/stat (field 22, clock ticks since boot); fields 3+ follow the `)` of its name. */
export const parseStartTime = (stat: string): string | undefined => stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];

const readProcStat = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8');

/**
 * Which Nx run this process belongs to. Nx passes nothing that names the run (on Nx 22.7 and 24.0 a batch or
 * task process gets NX_WORKSPACE_ROOT, the per-task NX_TASK_TARGET_* and NX_TASK_HASH, and
 * NX_FORKED_TASK_EXECUTOR=true), but it forks every batch and task process of a run from the run's one `nx`
 * process. So the run is that parent: its pid, and where /proc tells it (Linux), its start time, so that a
 * recycled pid is another run. Outside a process Nx forked, this process is the run.
 */
export function nxRunMarker(
  env: Env,
  self: { pid: number; ppid: number } = process,
  readStat: (pid: number) => string = readProcStat,
): string {
  const pid = env.NX_FORKED_TASK_EXECUTOR === 'true' ? self.ppid : self.pid;
  let started: string | undefined;
  try {
    started = parseStartTime(readStat(pid));
  } catch {
    started = undefined; // no /proc (macOS, Windows): the pid alone
  }
  return started ? `nx process ${pid} started at tick ${started}` : `nx process ${pid}`;
}

const readIfPresent = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
};

/** The machine-wide lock of one JUnit file (core/lock.ts), named by a hash of its absolute path. */
export const junitLock = (file: string) => lockPath(`junit-${createHash('sha256').update(file).digest('hex').slice(0, 16)}`);

/**
 * Writes the results into the JUnit file `file` (absolute): merged with what earlier batches of the same run
 * wrote there, replacing a file of an earlier run. The read-merge-write holds a lock per file, so batches
 * that finish at once do not drop each other's cases.
 */
export async function writeJunit(file: string, run: string, results: readonly ServiceResult[]): Promise<void> {
  await withLock(
    junitLock(file),
    async () => {
      const existing = readIfPresent(file);
      const earlier = existing === undefined ? undefined : parseJunit(existing);
      const current = results.map(junitCase);
      // Renamed into place: a reader, or a concurrent batch without the lock, sees one whole document.
      writeFileAtomically(file, renderJunit(run, earlier?.run === run ? mergeJunitCases(earlier.cases, current) : current));
    },
    { timeoutMs: 60_000 },
  );
}
