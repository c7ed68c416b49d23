import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerCli } from './docker-cli';
import { createRunDockerConfig, withRegistryLogins } from './docker-config';
import type { Exec, ExecOptions } from './exec';

function userDir(config?: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'crossbake-user-docker-'));
  if (config) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  mkdirSync(join(dir, 'cli-plugins'));
  return dir;
}

describe('createRunDockerConfig', () => {
  it("copies the user's config without the credential store or our registries' helpers, and shares builders", () => {
    const user = userDir({ auths: { 'ghcr.io': { auth: 'x' } }, credsStore: 'desktop', credHelpers: { 'r.example.com': 'ecr-login', 'gcr.io': 'gcloud' }, currentContext: 'default' });
    const dir = createRunDockerConfig(user, ['r.example.com']);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({
      auths: { 'ghcr.io': { auth: 'x' } },
      credHelpers: { 'gcr.io': 'gcloud' },
      currentContext: 'default',
    });
    for (const name of ['buildx', 'contexts', 'cli-plugins']) expect(lstatSync(join(dir, name)).isSymbolicLink()).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    rmSync(dir, { recursive: true });
  });

  it('starts from an empty config when the user has none', () => {
    const dir = createRunDockerConfig(userDir(), []);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({});
    rmSync(dir, { recursive: true });
  });
});

describe('withRegistryLogins', () => {
  const recorder = () => {
    const calls: { args: readonly string[]; options?: ExecOptions }[] = [];
    const exec: Exec = async (_file, args, options) => {
      calls.push({ args, options });
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    return { calls, exec };
  };

  it('logs in with the password on stdin only, runs everything in the private config, then deletes it', async () => {
    const { calls, exec } = recorder();
    const env = { DOCKER_CONFIG: userDir({}), REG_PASSWORD: 'canary-p4ss' };
    let seen = '';
    await withRegistryLogins(new DockerCli(exec), [{ url: '127.0.0.1:5001', username: 'ci', passwordEnv: 'REG_PASSWORD' }], env, async (cli) => {
      await cli.buildxVersion().catch(() => undefined);
      seen = calls[1].options!.env!.DOCKER_CONFIG;
    });
    expect(calls[0].args).toEqual(['login', '127.0.0.1:5001', '--username', 'ci', '--password-stdin']);
    expect(calls[0].options!.input).toBe('canary-p4ss');
    expect(calls.flatMap((c) => c.args).join(' ')).not.toContain('canary-p4ss');
    expect(calls[0].options!.env!.DOCKER_CONFIG).toBe(seen);
    expect(seen).not.toBe(env.DOCKER_CONFIG);
    expect(existsSync(seen)).toBe(false);
  });

  it('logs in once per registry, and not at all without logins', async () => {
    const { calls, exec } = recorder();
    const env = { DOCKER_CONFIG: userDir({}), P: 'x' };
    const login = { url: 'r.example.com', username: 'ci', passwordEnv: 'P' };
    await withRegistryLogins(new DockerCli(exec), [login, login], env, async () => undefined);
    expect(calls.filter((c) => c.args[0] === 'login')).toHaveLength(1);
    const none = recorder();
    await withRegistryLogins(new DockerCli(none.exec), [], env, async () => undefined);
    expect(none.calls).toEqual([]);
  });

  it('says which login failed, and still deletes the config', async () => {
    let dir = '';
    const exec: Exec = async (_file, _args, options) => {
      dir = options!.env!.DOCKER_CONFIG;
      return { exitCode: 1, stdout: '', stderr: 'Error response from daemon: login attempt to http://127.0.0.1:5001/v2/ failed with status: 401 Unauthorized' };
    };
    await expect(
      withRegistryLogins(new DockerCli(exec), [{ url: '127.0.0.1:5001', username: 'ci', passwordEnv: 'P' }], { DOCKER_CONFIG: userDir({}), P: 'x' }, async () => undefined),
    ).rejects.toThrow('docker login to 127.0.0.1:5001 as ci failed: Error response from daemon: login attempt to http://127.0.0.1:5001/v2/ failed with status: 401 Unauthorized');
    expect(existsSync(dir)).toBe(false);
  });
});
