import type { Exec } from '../docker/exec';

/** What a run knows about the commit it builds: resolved once, passed along as a value. */
export interface GitFacts {
  sha?: string;
  branch?: string;
  /** `origin`'s URL, as `https://…` when it can be (for org.opencontainers.image.source). */
  remoteUrl?: string;
}

// CI systems check out a detached HEAD: the branch is in their environment.
const CI_BRANCH_VARIABLES = ['BRANCH_NAME', 'GITHUB_HEAD_REF', 'GITHUB_REF_NAME', 'CI_COMMIT_REF_NAME', 'BUILDKITE_BRANCH', 'CIRCLE_BRANCH'];

/** `git@github.com:acme/repo.git` → `https://github.com/acme/repo`; credentials in a URL are dropped. */
export function publicRepositoryUrl(remote: string): string | undefined {
  const scp = remote.match(/^[\w.-]+@([\w.-]+):(.+?)(?:\.git)?$/);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  try {
    const url = new URL(remote);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\.git$/, '');
  } catch {
    return undefined;
  }
}

export async function resolveGitFacts(exec: Exec, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<GitFacts> {
  const git = async (...args: string[]) => {
    const result = await exec('git', args, { cwd });
    return result.exitCode === 0 ? result.stdout.trim() || undefined : undefined;
  };
  const [sha, head, remote] = await Promise.all([git('rev-parse', 'HEAD'), git('rev-parse', '--abbrev-ref', 'HEAD'), git('remote', 'get-url', 'origin')]);
  const fromCi = CI_BRANCH_VARIABLES.map((name) => env[name]).find((v) => v);
  return {
    sha,
    branch: head && head !== 'HEAD' ? head : fromCi,
    remoteUrl: remote ? publicRepositoryUrl(remote) : undefined,
  };
}
