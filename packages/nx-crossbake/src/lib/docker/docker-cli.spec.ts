import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStateStore } from '../state/state-file';
import { findBuildxPlugin, pluginDirs } from './buildx-plugin';
import { BuilderMissingError, DockerCli } from './docker-cli';
import type { Exec } from './exec';

describe('DockerCli --verbose trace', () => {
  it('shows every command line, with its DOCKER_CONFIG, and never what goes to stdin', async () => {
    const lines: string[] = [];
    const exec: Exec = async () => ({ exitCode: 0, stdout: 'github.com/docker/buildx 0.29.1 x', stderr: '' });
    const cli = new DockerCli(exec, { trace: (line) => lines.push(line) });
    await cli.buildxVersion();
    await cli.withDockerConfig('/tmp/run-config').login('r.example.com', 'ci', 'canary-p4ss');
    expect(lines).toEqual(['docker buildx version', 'DOCKER_CONFIG=/tmp/run-config docker login r.example.com --username ci --password-stdin']);
    expect(lines.join('\n')).not.toContain('canary-p4ss');
  });

  it('shows nothing without a trace', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const exec: Exec = async () => ({ exitCode: 0, stdout: 'github.com/docker/buildx 0.29.1 x', stderr: '' });
    await new DockerCli(exec).buildxVersion();
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
  });
});

describe('DockerCli: docker and buildx missing, said by the first command that meets it', () => {
  const container = { name: 'nx-crossbake', isContext: false };
  const answering = (result: { exitCode: number; stderr: string }): Exec => async () => ({ stdout: '', ...result });

  it.each([
    ['docker missing, at inspect', { exitCode: 127, stderr: 'docker: command not found' }, (cli: DockerCli) => cli.inspectBuilder('b'), "'docker' was not found on PATH"],
    ['docker missing, at info', { exitCode: 127, stderr: '' }, (cli: DockerCli) => cli.registryConfig(), "'docker' was not found on PATH"],
    [
      'buildx missing, at bake (docker 28)',
      { exitCode: 1, stderr: "docker: unknown command: docker buildx\n\nRun 'docker --help' for more information" },
      (cli: DockerCli) => cli.bake({ bakeFile: 'b.json', metadataFile: 'm.json', builder: container, cwd: '/w' }),
      /^docker buildx is not available \(`docker buildx bake` said: docker: unknown command: docker buildx[^]*install the docker-buildx plugin/,
    ],
    [
      'buildx missing, at inspect (older docker)',
      { exitCode: 1, stderr: "docker: 'buildx' is not a docker command.\nSee 'docker --help'" },
      (cli: DockerCli) => cli.inspectBuilder('b'),
      /docker buildx is not available \(`docker buildx inspect` said: docker: 'buildx' is not a docker command/,
    ],
  ])('%s', async (_case, result, call, says) => {
    await expect(call(new DockerCli(answering(result)))).rejects.toThrow(says);
  });

  it('leaves other failures to the command', async () => {
    const cli = new DockerCli(answering({ exitCode: 1, stderr: 'ERROR: failed to solve: boom' }));
    await expect(cli.bake({ bakeFile: 'b.json', metadataFile: 'm.json', builder: container, cwd: '/w' })).resolves.toMatchObject({ exitCode: 1 });
    // a failing non-buildx command whose text happens to name buildx is not a missing plugin
    await expect(new DockerCli(answering({ exitCode: 1, stderr: "'buildx' is not a docker command" })).imageDigest('x')).resolves.toBeUndefined();
  });

  it('says a bake found no builder, so the caller can set it up again', async () => {
    const cli = new DockerCli(answering({ exitCode: 1, stderr: 'ERROR: no builder "nx-crossbake" found' }));
    const bake = cli.bake({ bakeFile: 'b.json', metadataFile: 'm.json', builder: container, cwd: '/w' });
    await expect(bake).rejects.toBeInstanceOf(BuilderMissingError);
    await expect(bake).rejects.toThrow(`builder 'nx-crossbake' is not there as this run expected`);
    // another builder's name in the output is not this one missing
    const other = new DockerCli(answering({ exitCode: 1, stderr: 'ERROR: no builder "other" found' }));
    await expect(other.bake({ bakeFile: 'b.json', metadataFile: 'm.json', builder: container, cwd: '/w' })).resolves.toMatchObject({ exitCode: 1 });
  });
});

describe('DockerCli.buildxVersion', () => {
  const setup = () => {
    const config = mkdtempSync(join(tmpdir(), 'crossbake-docker-config-'));
    mkdirSync(join(config, 'cli-plugins'));
    const plugin = join(config, 'cli-plugins', 'docker-buildx');
    writeFileSync(plugin, 'v1');
    const calls: string[] = [];
    const exec: Exec = async (_f, args) => {
      calls.push(args.join(' '));
      return { exitCode: 0, stdout: 'github.com/docker/buildx v0.29.1 abc', stderr: '' };
    };
    return { config, plugin, calls, exec, env: { DOCKER_CONFIG: config } };
  };

  it('asks each buildx binary once, and again when the binary changes', async () => {
    const { plugin, calls, exec, env } = setup();
    const state = memoryStateStore();
    const cli = new DockerCli(exec, { state });
    expect(await cli.buildxVersion(env)).toBe('0.29.1');
    expect(await new DockerCli(exec, { state }).buildxVersion(env)).toBe('0.29.1');
    expect(calls).toEqual(['buildx version']);
    writeFileSync(plugin, 'v2, a different size');
    await cli.buildxVersion(env);
    expect(calls).toEqual(['buildx version', 'buildx version']);
  });

  it('asks every time without a state', async () => {
    const { calls, exec, env } = setup();
    await new DockerCli(exec).buildxVersion(env);
    await new DockerCli(exec).buildxVersion(env);
    expect(calls).toHaveLength(2);
  });
});

describe('findBuildxPlugin', () => {
  it('finds the first docker-buildx in the folders docker searches, and nothing when there is none', () => {
    const config = mkdtempSync(join(tmpdir(), 'crossbake-docker-config-'));
    const extra = mkdtempSync(join(tmpdir(), 'crossbake-plugins-'));
    const system = mkdtempSync(join(tmpdir(), 'crossbake-system-plugins-'));
    expect(findBuildxPlugin({ DOCKER_CONFIG: config }, [system])).toBeUndefined();
    writeFileSync(join(system, 'docker-buildx'), 'system');
    expect(findBuildxPlugin({ DOCKER_CONFIG: config }, [system])?.path).toBe(join(system, 'docker-buildx'));
    writeFileSync(join(extra, 'docker-buildx'), 'extra');
    writeFileSync(join(config, 'config.json'), JSON.stringify({ cliPluginsExtraDirs: [extra] }));
    expect(findBuildxPlugin({ DOCKER_CONFIG: config }, [system])?.path).toBe(join(extra, 'docker-buildx'));
    rmSync(join(extra, 'docker-buildx'));
    mkdirSync(join(extra, 'docker-buildx'));
    expect(findBuildxPlugin({ DOCKER_CONFIG: config }, [system])?.path).toBe(join(system, 'docker-buildx'));
  });
});

describe('pluginDirs', () => {
  it("searches as docker does: the config's extra folders, the user's, then the system's", () => {
    expect(pluginDirs('/home/u/.docker', ['/opt/plugins'])).toEqual([
      '/opt/plugins',
      '/home/u/.docker/cli-plugins',
      '/usr/local/lib/docker/cli-plugins',
      '/usr/local/libexec/docker/cli-plugins',
      '/usr/lib/docker/cli-plugins',
      '/usr/libexec/docker/cli-plugins',
    ]);
  });
});
