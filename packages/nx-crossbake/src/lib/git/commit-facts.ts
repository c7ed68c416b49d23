import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Exec } from '../process/exec';

/** What a run knows about the commit it builds: resolved once, passed along as a value. */
export interface GitFacts {
  sha?: string;
  branch?: string;
  /** `origin`'s URL, as `https://…` when it can be (for org.opencontainers.image.source). */
  remoteUrl?: string;
  /** A shallow clone: its history ends early, so what is learnt from it is not kept for later runs. */
  shallow?: boolean;
}

// CI systems check out a detached HEAD: the branch is in their environment.
const CI_BRANCH_VARIABLES = [
  'BRANCH_NAME',
  'GITHUB_HEAD_REF',
  'GITHUB_REF_NAME',
  'CI_COMMIT_REF_NAME',
  'BUILDKITE_BRANCH',
  'CIRCLE_BRANCH',
];

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

/**
 * Everything in one git process: where the repository's config is, whether it is shallow, the commit, and
 * the ref HEAD names (`refs/heads/<branch>`, or `HEAD` when detached). rev-parse answers in argument order.
 */
export const getGitFactsCommand = (): string[] => [
  'rev-parse',
  '--git-path',
  'config',
  '--is-shallow-repository',
  'HEAD',
  '--symbolic-full-name',
  'HEAD',
];

/**
 * The `url` of `[remote "<name>"]` in a git config file, as written (git's own `insteadOf` rewriting is not
 * applied: the label names the repository, not how this machine reaches it). Files it includes are not read.
 */
export function parseRemoteUrl(config: string, remote = 'origin'): string | undefined {
  let inRemote = false;
  let url: string | undefined;
  for (const raw of config.split('\n')) {
    const line = raw.replace(/^\s+/, '');
    const section = line.match(/^\[\s*([^\s\]"]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/);
    if (section) {
      // Section names are case-insensitive, subsection names are not; `[remote.origin]` is the old spelling.
      const [name, sub] =
        section[2] === undefined ? [section[1].toLowerCase(), undefined] : [section[1].toLowerCase(), section[2].replace(/\\(.)/g, '$1')];
      inRemote = (name === 'remote' && sub === remote) || (sub === undefined && name === `remote.${remote.toLowerCase()}`);
      continue;
    }
    const entry = inRemote ? line.match(/^url\s*=\s*(.*)$/i) : null;
    // The first url is the one git fetches from (remote get-url prints it).
    if (entry && url === undefined) url = unquote(entry[1]);
  }
  return url || undefined;
}

/** A config value: quotes removed, escapes resolved, a trailing comment dropped. */
function unquote(value: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && i + 1 < value.length) out += { n: '\n', t: '\t', b: '\b' }[value[++i]] ?? value[i];
    else if ((c === '#' || c === ';') && !quoted) break;
    else out += c;
  }
  return out.trim();
}

/** rev-parse's lines → the facts; what it could not say (no commit yet, no repository) stays undefined. */
export function parseGitFacts(stdout: string): { configPath?: string; shallow?: boolean; sha?: string; ref?: string } {
  const [configPath, shallow, sha, ref] = stdout.split('\n').map((l) => l.trim());
  return {
    configPath: configPath || undefined,
    ...(shallow === 'true' || shallow === 'false' ? { shallow: shallow === 'true' } : {}),
    sha: sha && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha) ? sha : undefined,
    ref: ref || undefined,
  };
}

export async function resolveGitFacts(exec: Exec, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<GitFacts> {
  const result = await exec('git', getGitFactsCommand(), { cwd });
  // Before the first commit rev-parse fails at HEAD, having printed the config path: the remote is still known.
  const facts = parseGitFacts(result.stdout);
  let remote: string | undefined;
  try {
    remote = facts.configPath ? parseRemoteUrl(readFileSync(resolve(cwd, facts.configPath), 'utf8')) : undefined;
  } catch {
    remote = undefined;
  }
  const head = result.exitCode === 0 ? facts.ref : undefined;
  const fromCi = CI_BRANCH_VARIABLES.map((name) => env[name]).find((v) => v);
  return {
    sha: result.exitCode === 0 ? facts.sha : undefined,
    branch: head?.startsWith('refs/heads/') ? head.slice('refs/heads/'.length) : fromCi,
    remoteUrl: remote ? publicRepositoryUrl(remote) : undefined,
    ...(facts.shallow !== undefined && { shallow: facts.shallow }),
  };
}
