import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exec } from '../process/exec';
import { getGitFactsCommand, parseGitFacts, parseRemoteUrl, publicRepositoryUrl, resolveGitFacts } from './commit-facts';

describe('publicRepositoryUrl', () => {
  it.each([
    ['git@github.com:acme/repo.git', 'https://github.com/acme/repo'],
    ['https://github.com/acme/repo.git', 'https://github.com/acme/repo'],
    ['https://ci-token:s3cr3t@gitlab.example.com/acme/repo.git', 'https://gitlab.example.com/acme/repo'],
    ['not a url', undefined],
  ])('%s → %s', (remote, url) => expect(publicRepositoryUrl(remote)).toBe(url));
});

describe('parseRemoteUrl', () => {
  it.each([
    [
      '[remote "origin"]\n\turl = git@github.com:acme/repo.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n',
      'git@github.com:acme/repo.git',
    ],
    [
      '[core]\n\tbare = false\n[remote "upstream"]\n\turl = https://u.example/x\n[remote "origin"]\n\turl = https://o.example/x\n',
      'https://o.example/x',
    ],
    ['[Remote "origin"]\nURL="https://o.example/a b" ; a comment\n', 'https://o.example/a b'],
    ['[remote "origin"]\n\turl = https://first.example/x\n\turl = https://second.example/x\n', 'https://first.example/x'],
    ['[remote.origin]\n\turl = https://old.example/x\n', 'https://old.example/x'],
    // subsection names are case-sensitive: this is another remote
    ['[remote "Origin"]\n\turl = https://o.example/x\n', undefined],
    ['[remote "origin"]\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[url "https://x"]\n\turl = nope\n', undefined],
    ['', undefined],
  ])('%j → %s', (config, url) => expect(parseRemoteUrl(config)).toBe(url));
});

describe('parseGitFacts', () => {
  const sha = '0123456789abcdef0123456789abcdef01234567';
  it.each([
    [`.git/config\nfalse\n${sha}\nrefs/heads/main\n`, { configPath: '.git/config', shallow: false, sha, ref: 'refs/heads/main' }],
    [`/r/.git/config\ntrue\n${sha}\nHEAD\n`, { configPath: '/r/.git/config', shallow: true, sha, ref: 'HEAD' }],
    // no commit yet: rev-parse stops at HEAD, which it echoes
    ['.git/config\nfalse\nHEAD\n', { configPath: '.git/config', shallow: false, sha: undefined, ref: undefined }],
    ['', { configPath: undefined, sha: undefined, ref: undefined }],
  ])('%j', (stdout, facts) => expect(parseGitFacts(stdout)).toEqual(facts));
});

describe('resolveGitFacts', () => {
  const sha = '0123456789abcdef0123456789abcdef01234567';
  const repo = () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossbake-git-'));
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.git/config'), '[remote "origin"]\n\turl = git@github.com:acme/repo.git\n');
    return dir;
  };
  const git = (stdout: string, exitCode = 0): Exec & { calls: string[][] } => {
    const calls: string[][] = [];
    return Object.assign(
      async (_file: string, args: readonly string[]) => {
        calls.push([...args]);
        return { exitCode, stdout, stderr: exitCode ? 'fatal' : '' };
      },
      { calls },
    );
  };

  it('reads the commit, the branch and the public remote with one git process', async () => {
    const exec = git(`.git/config\nfalse\n${sha}\nrefs/heads/feature/x\n`);
    expect(await resolveGitFacts(exec, repo(), {})).toEqual({
      sha,
      branch: 'feature/x',
      remoteUrl: 'https://github.com/acme/repo',
      shallow: false,
    });
    expect(exec.calls).toEqual([getGitFactsCommand()]);
  });

  it('takes the branch from CI on a detached HEAD', async () => {
    const exec = git(`.git/config\ntrue\n${sha}\nHEAD\n`);
    expect(await resolveGitFacts(exec, repo(), { GITHUB_REF_NAME: 'release/1.2' })).toMatchObject({
      sha,
      branch: 'release/1.2',
      shallow: true,
    });
  });

  it('still knows the remote before the first commit', async () => {
    expect(await resolveGitFacts(git('.git/config\nfalse\nHEAD\n', 128), repo(), {})).toEqual({
      sha: undefined,
      branch: undefined,
      remoteUrl: 'https://github.com/acme/repo',
      shallow: false,
    });
  });

  it('knows nothing outside a repository', async () => {
    expect(await resolveGitFacts(git('', 128), '/w', {})).toEqual({ sha: undefined, branch: undefined, remoteUrl: undefined });
  });
});
