import type { Exec } from '../docker/exec';
import { publicRepositoryUrl, resolveGitFacts } from './git-facts';

describe('publicRepositoryUrl', () => {
  it.each([
    ['git@github.com:acme/repo.git', 'https://github.com/acme/repo'],
    ['https://github.com/acme/repo.git', 'https://github.com/acme/repo'],
    ['https://ci-token:s3cr3t@gitlab.example.com/acme/repo.git', 'https://gitlab.example.com/acme/repo'],
    ['not a url', undefined],
  ])('%s → %s', (remote, url) => expect(publicRepositoryUrl(remote)).toBe(url));
});

describe('resolveGitFacts', () => {
  const git = (answers: Record<string, string | undefined>): Exec => async (_file, args) => {
    const answer = answers[args.join(' ')];
    return answer === undefined ? { exitCode: 128, stdout: '', stderr: 'fatal' } : { exitCode: 0, stdout: `${answer}\n`, stderr: '' };
  };

  it('reads the commit, the branch and the public remote', async () => {
    const exec = git({ 'rev-parse HEAD': 'abc123', 'rev-parse --abbrev-ref HEAD': 'main', 'remote get-url origin': 'git@github.com:acme/repo.git' });
    expect(await resolveGitFacts(exec, '/w', {})).toEqual({ sha: 'abc123', branch: 'main', remoteUrl: 'https://github.com/acme/repo' });
  });

  it('takes the branch from CI on a detached HEAD', async () => {
    const exec = git({ 'rev-parse HEAD': 'abc123', 'rev-parse --abbrev-ref HEAD': 'HEAD' });
    expect(await resolveGitFacts(exec, '/w', { GITHUB_REF_NAME: 'release/1.2' })).toEqual({ sha: 'abc123', branch: 'release/1.2', remoteUrl: undefined });
  });

  it('knows nothing outside a repository', async () => {
    expect(await resolveGitFacts(git({}), '/w', {})).toEqual({ sha: undefined, branch: undefined, remoteUrl: undefined });
  });
});
