import { BuilderMissingError } from '../core/errors';
import { DockerCli } from './docker-cli';
import type { Exec } from '../process/exec';

describe('DockerCli --verbose trace', () => {
  it('shows every command line, with its DOCKER_CONFIG, and never what goes to stdin', async () => {
    const lines: string[] = [];
    const exec: Exec = async () => ({ exitCode: 0, stdout: '{}', stderr: '' });
    const cli = new DockerCli(exec, { docker: 'docker', trace: (line) => lines.push(line) });
    await cli.registryConfig();
    await cli.withDockerConfig('/tmp/run-config').login('r.example.com', 'ci', 'canary-p4ss');
    expect(lines).toEqual([
      'docker info --format {{json .RegistryConfig}}',
      'DOCKER_CONFIG=/tmp/run-config docker login r.example.com --username ci --password-stdin',
    ]);
    expect(lines.join('\n')).not.toContain('canary-p4ss');
  });

  it('shows nothing without a trace', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const exec: Exec = async () => ({ exitCode: 0, stdout: '{}', stderr: '' });
    await new DockerCli(exec).registryConfig();
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
  });
});

describe('DockerCli with another docker binary (CROSSBAKE_DOCKER)', () => {
  const builder = { name: 'nx-crossbake', isContext: false };

  it('runs it, traces it and shows it in every command line it prints', async () => {
    const files: string[] = [];
    const lines: string[] = [];
    const exec: Exec = async (file) => {
      files.push(file);
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    const cli = new DockerCli(exec, { docker: '/opt/docker-28/bin/docker', trace: (line) => lines.push(line) });
    await cli.imagetoolsCreate({ tags: ['r/a:1'], sources: ['r/a@sha256:1'] });
    expect(files).toEqual(['/opt/docker-28/bin/docker']);
    expect(lines).toEqual(['/opt/docker-28/bin/docker buildx imagetools create --tag r/a:1 r/a@sha256:1']);
    expect(cli.bakeCommandLine({ bakeFile: 'b.json', metadataFile: 'm.json', builder })).toBe(
      '/opt/docker-28/bin/docker buildx --builder nx-crossbake bake --file b.json --metadata-file m.json --progress plain',
    );
    expect(cli.installEmulatorsCommandLine('binfmt', ['arm64'])).toBe(
      '/opt/docker-28/bin/docker run --privileged --rm binfmt --install arm64',
    );
    expect(cli.imagetoolsCreateCommandLine({ tags: ['r/a:1'], sources: ['r/a@sha256:1'] })).toBe(
      '/opt/docker-28/bin/docker buildx imagetools create --tag r/a:1 r/a@sha256:1',
    );
    expect(cli.removeBuilderCommandLine('b')).toBe('/opt/docker-28/bin/docker buildx rm b');
    expect(cli.removeBuilderCommandLine('b', { keepState: true })).toBe('/opt/docker-28/bin/docker buildx rm --keep-state b');
    expect(cli.removeBuilderCommandLine('b', { isContext: true })).toBe('/opt/docker-28/bin/docker context rm --force b');
  });

  it('is read from CROSSBAKE_DOCKER when not given', () => {
    const saved = process.env.CROSSBAKE_DOCKER;
    process.env.CROSSBAKE_DOCKER = '/usr/local/bin/docker-ce';
    try {
      expect(new DockerCli().binary).toBe('/usr/local/bin/docker-ce');
    } finally {
      if (saved === undefined) delete process.env.CROSSBAKE_DOCKER;
      else process.env.CROSSBAKE_DOCKER = saved;
    }
  });
});

describe('DockerCli: typed operations, each a failure of its own kind', () => {
  const failing: Exec = async () => ({ exitCode: 1, stdout: '', stderr: 'ERROR: boom' });

  it('throws DockerCommandError with the argv, exit code and stderr of a step that failed', async () => {
    const cli = new DockerCli(failing, { docker: 'docker' });
    await expect(cli.installEmulators('binfmt', ['arm64'])).rejects.toMatchObject({
      name: 'DockerCommandError',
      argv: ['docker', 'run', '--privileged', '--rm', 'binfmt', '--install', 'arm64'],
      exitCode: 1,
      stderrTail: 'ERROR: boom',
    });
  });

  it('counts a builder or context that another process created first as there', async () => {
    const exists: Exec = async () => ({ exitCode: 1, stdout: '', stderr: 'ERROR: existing instance for "b"' });
    await expect(
      new DockerCli(exists).createBuilder({ name: 'b', driver: 'docker-container', driverOpts: {}, platforms: [] }),
    ).resolves.toBe('existed');
    await expect(new DockerCli(failing).createContextBuilder('b', 'unix:///var/run/docker.sock')).rejects.toThrow('exited with code 1');
  });

  it('removes a docker-driver builder as its context, another with buildx rm', async () => {
    const calls: string[] = [];
    const exec: Exec = async (_file, args) => {
      calls.push(args.join(' '));
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    const cli = new DockerCli(exec);
    await cli.removeBuilder({ name: 'd', isContext: true }, { keepState: true });
    await cli.removeBuilder({ name: 'c', isContext: false }, { keepState: true });
    await cli.removeBuilder({ name: 'c', isContext: false }, { keepState: false });
    expect(calls).toEqual(['context rm --force d', 'buildx rm --keep-state c', 'buildx rm c']);
  });
});

describe('DockerCli: docker and buildx missing, said by the first command that meets it', () => {
  const container = { name: 'nx-crossbake', isContext: false };
  const answering =
    (result: { exitCode: number; stderr: string }): Exec =>
    async () => ({ stdout: '', ...result });

  it.each([
    [
      'docker missing, at inspect',
      { exitCode: 127, stderr: 'docker: command not found' },
      (cli: DockerCli) => cli.inspectBuilder('b'),
      "'docker' was not found on PATH",
    ],
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
    await expect(cli.bake({ bakeFile: 'b.json', metadataFile: 'm.json', builder: container, cwd: '/w' })).resolves.toMatchObject({
      exitCode: 1,
    });
    // a failing non-buildx command whose text happens to name buildx is not a missing plugin
    await expect(
      new DockerCli(answering({ exitCode: 1, stderr: "'buildx' is not a docker command" })).imageDigest('x'),
    ).resolves.toBeUndefined();
  });

  it('says a bake found no builder, so the caller can set it up again', async () => {
    const cli = new DockerCli(answering({ exitCode: 1, stderr: 'ERROR: no builder "nx-crossbake" found' }));
    const bake = cli.bake({ bakeFile: 'b.json', metadataFile: 'm.json', builder: container, cwd: '/w' });
    await expect(bake).rejects.toBeInstanceOf(BuilderMissingError);
    await expect(bake).rejects.toThrow(`builder 'nx-crossbake' is not there as this run expected`);
    // another builder's name in the output is not this one missing
    const other = new DockerCli(answering({ exitCode: 1, stderr: 'ERROR: no builder "other" found' }));
    await expect(other.bake({ bakeFile: 'b.json', metadataFile: 'm.json', builder: container, cwd: '/w' })).resolves.toMatchObject({
      exitCode: 1,
    });
  });
});
