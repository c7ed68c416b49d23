import { BuilderMissingError, DockerCli } from './docker-cli';
import type { Exec } from '../process/exec';

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
