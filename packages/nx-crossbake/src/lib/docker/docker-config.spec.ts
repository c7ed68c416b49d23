import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerCli } from './docker-cli';
import { createRunDockerConfig, runDockerConfig, withRegistryLogins } from './docker-config';
import type { Exec, ExecOptions } from '../process/exec';

function userDir(config?: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'crossbake-user-docker-'));
  if (config) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  mkdirSync(join(dir, 'cli-plugins'));
  return dir;
}

describe('runDockerConfig', () => {
  const user = {
    auths: { 'ghcr.io': { auth: 'x' }, 'localhost:5001': { auth: 'users-own' }, 'https://r.example.com/v1/': { auth: 'legacy' } },
    credsStore: 'desktop',
    credHelpers: { 'gcr.io': 'gcloud', 'r.example.com': 'ecr-login' },
    currentContext: 'default',
    HttpHeaders: { 'User-Agent': 'ci' },
  };

  it("keeps the user's store and helpers for every other registry, and sends our registries to the file store", () => {
    expect(runDockerConfig(user, ['localhost:5001', 'https://r.example.com/'])).toEqual({
      auths: { 'ghcr.io': { auth: 'x' } },
      credsStore: 'desktop',
      credHelpers: { 'gcr.io': 'gcloud', 'r.example.com': '', 'localhost:5001': '' },
      currentContext: 'default',
      HttpHeaders: { 'User-Agent': 'ci' },
    });
  });

  it.each([
    ['docker.io', { 'https://index.docker.io/v1/': '' }],
    ['https://index.docker.io/v1/', { 'https://index.docker.io/v1/': '' }],
    ['index.docker.io', { 'https://index.docker.io/v1/': '' }],
    ['Registry.Example.com', { 'Registry.Example.com': '', 'registry.example.com': '' }],
  ])('a login to %s overrides the helper under the keys docker stores and reads it by', (url, credHelpers) => {
    expect(runDockerConfig({ credsStore: 'pass' }, [url])).toEqual({ credsStore: 'pass', credHelpers });
  });

  it("drops the user's own Docker Hub entry when the run logs in to Hub", () => {
    const config = runDockerConfig({ auths: { 'https://index.docker.io/v1/': { auth: 'mine' }, 'ghcr.io': {} } }, ['docker.io']);
    expect(config.auths).toEqual({ 'ghcr.io': {} });
  });

  it('is the user config unchanged, and adds no keys, without logins', () => {
    expect(runDockerConfig(user, [])).toEqual(user);
    expect(runDockerConfig({}, [])).toEqual({});
    expect(runDockerConfig({ auths: {}, credHelpers: {} }, [])).toEqual({ auths: {}, credHelpers: {} });
  });
});

describe('createRunDockerConfig', () => {
  it("writes the run's config in a private folder, shares builders, and never writes the user's folder", () => {
    const userConfig = JSON.stringify({ auths: { 'ghcr.io': { auth: 'x' } }, credsStore: 'desktop', credHelpers: { 'gcr.io': 'gcloud' } });
    const user = userDir();
    writeFileSync(join(user, 'config.json'), userConfig);
    const before = statSync(join(user, 'config.json')).mtimeMs;
    const dir = createRunDockerConfig(user, ['r.example.com']);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({
      auths: { 'ghcr.io': { auth: 'x' } },
      credsStore: 'desktop',
      credHelpers: { 'gcr.io': 'gcloud', 'r.example.com': '' },
    });
    expect(readFileSync(join(user, 'config.json'), 'utf8')).toBe(userConfig);
    expect(statSync(join(user, 'config.json')).mtimeMs).toBe(before);
    for (const name of ['buildx', 'contexts', 'cli-plugins']) expect(lstatSync(join(dir, name)).isSymbolicLink()).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
    rmSync(dir, { recursive: true });
  });

  it('starts from an empty config when the user has none', () => {
    const dir = createRunDockerConfig(userDir(), ['r.example.com']);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({ credHelpers: { 'r.example.com': '' } });
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
    await withRegistryLogins(
      new DockerCli(exec),
      [{ url: '127.0.0.1:5001', username: 'ci', passwordEnv: 'REG_PASSWORD' }],
      env,
      async (cli) => {
        await cli.registryConfig().catch(() => undefined);
        seen = calls[1].options!.env!.DOCKER_CONFIG;
      },
    );
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

  it('goes on after a failed login, and hands the failed registry and the reason to fn', async () => {
    const calls: string[][] = [];
    const exec: Exec = async (_file, args) => {
      calls.push([...args]);
      return args[1].includes('localhost:5001')
        ? {
            exitCode: 1,
            stdout: '',
            stderr: 'Error response from daemon: login attempt to http://localhost:5001/v2/ failed with status: 401 Unauthorized',
          }
        : { exitCode: 0, stdout: '', stderr: '' };
    };
    const logins = [
      { url: 'http://localhost:5001', username: 'ci', passwordEnv: 'P' },
      { url: 'ghcr.io', username: 'ci', passwordEnv: 'P' },
    ];
    let failed: ReadonlyMap<string, string> | undefined;
    const result = await withRegistryLogins(new DockerCli(exec), logins, { DOCKER_CONFIG: userDir({}), P: 'x' }, async (_cli, f) => {
      failed = f;
      return 'ran';
    });
    expect(result).toBe('ran');
    expect(calls.map((c) => c[1])).toEqual(['http://localhost:5001', 'ghcr.io']);
    expect(failed).toEqual(
      new Map([
        [
          'localhost:5001',
          'docker login to http://localhost:5001 as ci failed: Error response from daemon: login attempt to http://localhost:5001/v2/ failed with status: 401 Unauthorized ' +
            '(check the username and the password in P)',
        ],
      ]),
    );
  });

  it('says a registry out of reach is out of reach, without blaming the password', async () => {
    const exec: Exec = async () => ({
      exitCode: 1,
      stdout: '',
      stderr: 'Error response from daemon: Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused',
    });
    let failed: ReadonlyMap<string, string> | undefined;
    await withRegistryLogins(
      new DockerCli(exec),
      [{ url: '127.0.0.1:5999', username: 'ci', passwordEnv: 'P' }],
      { DOCKER_CONFIG: userDir({}), P: 'x' },
      async (_cli, f) => {
        failed = f;
      },
    );
    expect(failed!.get('127.0.0.1:5999')).toBe(
      'docker login to 127.0.0.1:5999 as ci failed: Error response from daemon: Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused',
    );
  });

  it('logs in to Docker Hub under its index address, whatever the spelling', async () => {
    const { calls, exec } = recorder();
    await withRegistryLogins(
      new DockerCli(exec),
      [{ url: 'index.docker.io', username: 'ci', passwordEnv: 'P' }],
      { DOCKER_CONFIG: userDir({}), P: 'x' },
      async () => undefined,
    );
    expect(calls[0].args).toEqual(['login', 'https://index.docker.io/v1/', '--username', 'ci', '--password-stdin']);
  });

  it('never picks one of two different logins for a registry: it fails that registry', async () => {
    const { calls, exec } = recorder();
    let failed: ReadonlyMap<string, string> | undefined;
    const logins = [
      { url: 'localhost:5001', username: 'alice', passwordEnv: 'P' },
      { url: 'http://localhost:5001/', username: 'bob', passwordEnv: 'P' },
      { url: 'ghcr.io', username: 'ci', passwordEnv: 'P' },
    ];
    await withRegistryLogins(new DockerCli(exec), logins, { DOCKER_CONFIG: userDir({}), P: 'x' }, async (_cli, f) => {
      failed = f;
    });
    expect(calls.map((c) => c.args[1])).toEqual(['ghcr.io']);
    expect([...failed!.keys()]).toEqual(['localhost:5001']);
    expect(failed!.get('localhost:5001')).toContain('alice, bob');
  });

  it('still deletes the config when fn throws', async () => {
    let dir = '';
    const exec: Exec = async (_file, _args, options) => {
      dir = options!.env!.DOCKER_CONFIG;
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    await expect(
      withRegistryLogins(
        new DockerCli(exec),
        [{ url: '127.0.0.1:5001', username: 'ci', passwordEnv: 'P' }],
        { DOCKER_CONFIG: userDir({}), P: 'x' },
        async () => {
          throw new Error('boom');
        },
      ),
    ).rejects.toThrow('boom');
    expect(dir).not.toBe('');
    expect(existsSync(dir)).toBe(false);
  });
});
