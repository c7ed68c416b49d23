/**
 * The only place that starts a process. Everything else builds argv arrays and parses output; tests replace
 * this module to check argv without a Docker engine.
 */
import { StringDecoder } from 'node:string_decoder';

/** An environment as read from (or handed to) a process: unset variables may be listed as undefined. */
export type Env = Readonly<Record<string, string | undefined>>;

export interface ExecOptions {
  cwd?: string;
  /** Written to the child's stdin (e.g. a password for `--password-stdin`), never put in argv. */
  input?: string;
  /** Pass the child's output through to ours while capturing it (buildx progress). */
  stream?: boolean;
  /** Added to the environment (e.g. DOCKER_CONFIG for a run with its own registry logins). */
  env?: Record<string, string>;
  /**
   * Told each piece of stdout as it arrives; returning true stops the child, whose output so far is the result.
   * A `git log` walk ends once it has said enough, instead of walking the whole history.
   */
  stopWhen?: (chunk: string) => boolean;
  /** Told each whole line of stderr as it arrives (buildx progress: which target has finished, while bake runs). */
  onStderrLine?: (line: string) => void;
  /** Stopped after this long (a tool that may wait on a network without bound: keyless cosign); `timedOut` says so. */
  timeoutMs?: number;
}

export interface ExecResult {
  /** 127 when the program is not found, as a shell would say. */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Stopped by `stopWhen`: the output is what came before, and the exit code means nothing. */
  stopped?: boolean;
  /** Stopped by `timeoutMs`: the exit code means nothing. */
  timedOut?: boolean;
}

export type Exec = (file: string, args: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

/**
 * Children run in process groups of their own, so the docker CLI and its buildx plugin can be stopped
 * together. They are stopped when this process is interrupted, and when Nx goes away: on SIGTERM Nx exits
 * without stopping its batch process, which only sees its IPC channel close ('disconnect'). Without this,
 * an interrupted run leaves buildx building (and pushing) on its own.
 */
const running = new Set<number>();
const stopGroup = (pid: number) => {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // already gone
  }
};
const stopChildren = () => running.forEach(stopGroup);
let guarded = false;
function guardChildren(): void {
  if (guarded) return;
  guarded = true;
  process.once('exit', stopChildren);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      stopChildren();
      process.exit(code);
    });
  }
  process.once('disconnect', () => {
    stopChildren();
    setTimeout(() => process.exit(143), 1000);
  });
}

/** Turns chunks of a stream into whole lines (a multi-byte character or a line may be split across chunks). */
export function lineSplitter(onLine: (line: string) => void): { write: (chunk: Buffer) => void; end: () => void } {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  return {
    write: (chunk) => {
      const lines = (partial + decoder.write(chunk)).split(/\r?\n/);
      partial = lines.pop()!;
      lines.forEach(onLine);
    },
    end: () => {
      const rest = partial + decoder.end();
      partial = '';
      if (rest) onLine(rest);
    },
  };
}

export const exec: Exec = async (file, args, options = {}) => {
  // execa is ESM-only; tsc keeps this a real dynamic import in our CommonJS output.
  const { execa } = await import('execa');
  guardChildren();
  const child = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    stdout: options.stream ? ['pipe', 'inherit'] : 'pipe',
    stderr: options.stream ? ['pipe', 'inherit'] : 'pipe',
    detached: true,
    reject: false,
    stripFinalNewline: true,
  });
  const pid = child.pid;
  if (pid !== undefined) running.add(pid);
  let stopped = false;
  const { stopWhen } = options;
  if (stopWhen && pid !== undefined) {
    const decoder = new StringDecoder('utf8');
    child.stdout?.on('data', (data: Buffer) => {
      if (!stopped && stopWhen(decoder.write(data))) {
        stopped = true;
        stopGroup(pid);
      }
    });
  }
  if (options.onStderrLine) {
    const lines = lineSplitter(options.onStderrLine);
    child.stderr?.on('data', lines.write);
    child.stderr?.on('end', lines.end);
  }
  let timedOut = false;
  const timer =
    options.timeoutMs !== undefined && pid !== undefined
      ? setTimeout(() => {
          timedOut = true;
          stopGroup(pid);
        }, options.timeoutMs)
      : undefined;
  const result = await child;
  clearTimeout(timer);
  if (pid !== undefined) running.delete(pid);
  const notFound = (result as { code?: string }).code === 'ENOENT';
  return {
    exitCode: notFound ? 127 : (result.exitCode ?? 1),
    stdout: String(result.stdout ?? ''),
    stderr: notFound ? `${file}: command not found` : String(result.stderr ?? ''),
    ...(stopped ? { stopped } : {}),
    ...(timedOut ? { timedOut } : {}),
  };
};

/**
 * What a process is, for counting: the program (as named, without its folder) and its command, past global
 * flags and the builder's name (`docker buildx bake`, `docker info`, `git log`).
 */
export function commandLabel(file: string, args: readonly string[]): string {
  const program = file.split(/[\\/]/).pop()!;
  // Flags that take a value: docker's and buildx's global ones, git's -c/-C.
  const valued = new Set(['--context', '-c', '-C', '--config', '-H', '--host', '--log-level', '--builder']);
  const words: string[] = [];
  for (let i = 0; i < args.length && words.length < 2; i++) {
    if (valued.has(args[i])) i++;
    else if (!args[i].startsWith('-')) words.push(args[i]);
    if (words.length === 1 && words[0] !== 'buildx') break;
  }
  return [program, ...words].join(' ');
}

/** The processes a run started, by commandLabel: how a warm run is shown (and checked) to cost only its bake. */
interface ProcessCounter {
  exec: Exec;
  counts: () => Map<string, number>;
}

/** Wraps an Exec so that every process started through it is counted. */
export function countingExec(inner: Exec): ProcessCounter {
  const counts = new Map<string, number>();
  return {
    exec: (file, args, options) => {
      const label = commandLabel(file, args);
      counts.set(label, (counts.get(label) ?? 0) + 1);
      return inner(file, args, options);
    },
    counts: () => new Map(counts),
  };
}

// Whichever docker binary ran it (CROSSBAKE_DOCKER may name another).
const isBake = (label: string) => label.endsWith(' buildx bake');

/** `3 besides the bake (git rev-parse 1, git log 1, docker buildx history 1); 1 bake`. */
export function formatProcessCount(counts: ReadonlyMap<string, number>): string {
  const others = [...counts].filter(([label]) => !isBake(label));
  const total = others.reduce((sum, [, n]) => sum + n, 0);
  const bakes = [...counts].filter(([label]) => isBake(label)).reduce((sum, [, n]) => sum + n, 0);
  return `${total} besides the bake${others.length ? ` (${others.map(([label, n]) => `${label} ${n}`).join(', ')})` : ''}; ${bakes} bake${bakes === 1 ? '' : 's'}`;
}
