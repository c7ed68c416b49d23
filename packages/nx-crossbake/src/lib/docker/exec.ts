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

export const exec: Exec = async (file, args, options = {}) => {
  // execa is ESM-only; tsc keeps this a real dynamic import in our CommonJS output.
  const { execa } = await import('execa');
  const result = await execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    stdout: options.stream ? ['pipe', 'inherit'] : 'pipe',
    stderr: options.stream ? ['pipe', 'inherit'] : 'pipe',
    reject: false,
    stripFinalNewline: true,
  });
  const notFound = (result as { code?: string }).code === 'ENOENT';
  return {
    exitCode: notFound ? 127 : (result.exitCode ?? 1),
    stdout: String(result.stdout ?? ''),
    stderr: notFound ? `${file}: command not found` : String(result.stderr ?? ''),
  };
};
