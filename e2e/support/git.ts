import { run, type Workspace } from './workspace';

/** Runs git in the workspace; its stdout, trimmed, or an error with its output. */
export function git(ws: Workspace, ...args: string[]): string {
  const result = run('git', args, { cwd: ws.dir });
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed:\n${result.output}`);
  return result.stdout.trim();
}

/** The workspace as it stands, committed as `main` of a new repository. */
export function commitAsMain(ws: Workspace, message: string): void {
  git(ws, 'init', '-q', '-b', 'main');
  git(ws, 'config', 'user.email', 'e2e@example.com');
  git(ws, 'config', 'user.name', 'e2e');
  git(ws, 'add', '-A');
  git(ws, 'commit', '-q', '-m', message);
}

/** A new branch off main with one file changed, committed (affected compares main...HEAD). */
export function commitChange(ws: Workspace, branch: string, path: string, content: string): void {
  git(ws, 'checkout', '-q', '-B', branch, 'main');
  ws.write(path, content);
  git(ws, 'add', '-A');
  git(ws, 'commit', '-q', '-m', `change ${path}`);
}
