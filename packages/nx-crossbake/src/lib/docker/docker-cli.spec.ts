import { DockerCli } from './docker-cli';
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
