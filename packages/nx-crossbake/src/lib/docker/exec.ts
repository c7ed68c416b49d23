/**
 * The only place that starts a process. Everything else builds argv arrays and parses output; tests replace
 * this module to check argv without a Docker engine.
 */
export interface ExecOptions {
  cwd?: string;
  /** Written to the child's stdin (e.g. a password for `--password-stdin`), never put in argv. */
  input?: string;
  /** Pass the child's output through to ours while capturing it (buildx progress). */
  stream?: boolean;
  /** Added to the environment (e.g. DOCKER_CONFIG for a run with its own registry logins). */
  env?: Record<string, string>;
}

export interface ExecResult {
  /** 127 when the program is not found, as a shell would say. */
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type Exec = (file: string, args: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

/**
 * Children run in process groups of their own, so the docker CLI and its buildx plugin can be stopped
 * together. They are stopped when this process is interrupted, and when Nx goes away: on SIGTERM Nx exits
 * without stopping its batch process, which only sees its IPC channel close ('disconnect'). Without this,
 * an interrupted run leaves buildx building (and pushing) on its own.
 */
const running = new Set<number>();
const stopChildren = () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
};
let guarded = false;
function guardChildren(): void {
  if (guarded) return;
  guarded = true;
  process.once('exit', stopChildren);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
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
  if (child.pid !== undefined) running.add(child.pid);
  const result = await child;
  if (child.pid !== undefined) running.delete(child.pid);
  const notFound = (result as { code?: string }).code === 'ENOENT';
  return {
    exitCode: notFound ? 127 : (result.exitCode ?? 1),
    stdout: String(result.stdout ?? ''),
    stderr: notFound ? `${file}: command not found` : String(result.stderr ?? ''),
  };
};
