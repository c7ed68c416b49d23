import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerCli } from '../docker/docker-cli';
import type { Exec } from '../docker/exec';
import { fakeDocker, inspectText, makeWorkspace } from '../../testing/fake-docker';
import { normalizeBuilderSpec } from './builder-spec';
import type { BinfmtEntry } from './emulation';
import { ensureBuilder, removeBuilder } from './ensure-builder';

const ALL_NATIVE = ['linux/amd64', 'linux/arm64', 'linux/arm'];
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];

function setup(docker = fakeDocker(), env: { native?: string[]; readBinfmt?: () => BinfmtEntry[] } = {}) {
  const logs: string[] = [];
  const workspaceRoot = makeWorkspace([]);
  const ensure = (raw: Parameters<typeof normalizeBuilderSpec>[0]) =>
    ensureBuilder(new DockerCli(docker.exec), normalizeBuilderSpec({ platforms: PLATFORMS, ...raw }), {
      workspaceRoot,
      log: (m) => logs.push(m),
      native: env.native ?? ALL_NATIVE,
      readBinfmt: env.readBinfmt ?? (() => []),
    });
  const commands = () => docker.calls.map((c) => c.join(' '));
  return { docker, ensure, logs, commands, workspaceRoot };
}

describe('ensureBuilder: the builder', () => {
  it('creates a docker-driver builder as a context on the current Docker host, then checks it', async () => {
    const { ensure, commands } = setup();
    const facts = await ensure({ driver: 'docker' });
    expect(facts).toMatchObject({ created: true, recreated: false, emulatorsInstalled: [], drift: [] });
    // Checked once without the lock (the quick path), once more under it (another process may have won).
    expect(commands()).toEqual([
      'buildx inspect nx-crossbake',
      'buildx inspect nx-crossbake',
      'context inspect --format {{.Endpoints.docker.Host}}',
      'context create nx-crossbake --description buildx builder managed by nx-crossbake --docker host=unix:///var/run/docker.sock',
      'buildx inspect --bootstrap nx-crossbake',
    ]);
  });

  it('reuses a builder that is in place, changing nothing', async () => {
    const docker = fakeDocker({ builders: { 'nx-crossbake': inspectText('nx-crossbake', 'docker', PLATFORMS) } });
    const { ensure, commands } = setup(docker);
    expect(await ensure({ driver: 'docker' })).toMatchObject({ created: false });
    expect(commands()).toEqual(['buildx inspect nx-crossbake', 'buildx inspect --bootstrap nx-crossbake']);
  });

  it('creates a docker-container builder with its options and buildkitd config, and appends native nodes', async () => {
    const { ensure, commands, workspaceRoot } = setup();
    await ensure({
      builder: 'ci',
      'driver-opts': ['image=moby/buildkit:v0.26.2'],
      'insecure-registries': ['127.0.0.1:5000'],
      nodes: [{ name: 'arm', endpoint: 'ssh://ci@arm-host', platforms: ['linux/arm64'] }],
    });
    const config = join(workspaceRoot, 'tmp/nx-crossbake/buildkitd-ci.toml');
    expect(commands()).toEqual([
      'buildx inspect ci',
      'buildx inspect ci',
      `buildx create --name ci --driver docker-container --driver-opt image=moby/buildkit:v0.26.2 --platform linux/amd64,linux/arm/v7 --buildkitd-config ${config} --bootstrap`,
      `buildx create --append --name ci --node arm --platform linux/arm64 --buildkitd-config ${config} --bootstrap ssh://ci@arm-host`,
      'buildx inspect --bootstrap ci',
    ]);
    expect(readFileSync(config, 'utf8')).toContain('[registry."127.0.0.1:5000"]');
  });

  it('writes no buildkitd config when nothing needs one, and passes a remote endpoint', async () => {
    const { ensure, commands, workspaceRoot } = setup();
    await ensure({ builder: 'r', driver: 'remote', endpoint: 'tcp://buildkitd:1234' });
    expect(commands()[2]).toBe('buildx create --name r --driver remote --bootstrap tcp://buildkitd:1234');
    expect(existsSync(join(workspaceRoot, 'tmp/nx-crossbake/buildkitd-r.toml'))).toBe(false);
  });

  it('counts "existing instance" from a racing process as success', async () => {
    const docker = fakeDocker();
    const racing: Exec = async (file, args, options) => {
      if (args[1] === 'create') {
        docker.builders.set('nx-crossbake', inspectText('nx-crossbake', 'docker-container', PLATFORMS));
        return { exitCode: 1, stdout: '', stderr: 'ERROR: existing instance for "nx-crossbake" but no append mode, specify the node name to make changes for existing instances' };
      }
      return docker.exec(file, args, options);
    };
    const { ensure } = setup({ ...docker, exec: racing });
    await expect(ensure({})).resolves.toMatchObject({ created: false });
  });

  it('fails with buildx\'s words when creating fails for another reason', async () => {
    const { ensure } = setup(fakeDocker({ createFails: 'ERROR: failed to find driver "kubernetes"' }));
    await expect(ensure({ driver: 'kubernetes' })).rejects.toThrow(/buildx create .* exited with code 1:\nERROR: failed to find driver "kubernetes"/);
  });

  it('reports a builder that differs from its options, and leaves it alone', async () => {
    const docker = fakeDocker({ builders: { 'nx-crossbake': inspectText('nx-crossbake', 'docker-container', PLATFORMS) } });
    const { ensure, logs, commands } = setup(docker);
    const facts = await ensure({ driver: 'docker' });
    expect(facts.drift).toEqual(["its driver is 'docker-container', the options ask for 'docker'"]);
    expect(logs.join('\n')).toContain('set recreate: true to rebuild it');
    expect(commands().some((c) => c.includes('rm') || c.includes('create'))).toBe(false);
  });

  it('recreates it when asked to', async () => {
    const docker = fakeDocker({ builders: { 'nx-crossbake': inspectText('nx-crossbake', 'docker-container', PLATFORMS) } });
    const { ensure, commands } = setup(docker);
    expect(await ensure({ driver: 'docker', recreate: true })).toMatchObject({ recreated: true });
    expect(commands()).toContain('buildx rm --keep-state nx-crossbake');
    expect(commands().filter((c) => c.startsWith('context create'))).toHaveLength(1);
  });

  it('names the platforms a builder cannot serve and how to fix it', async () => {
    const { ensure } = setup(fakeDocker({ servedPlatforms: ['linux/amd64', 'linux/arm64'] }), { native: [...ALL_NATIVE, 'linux/s390x'] });
    await expect(ensure({ driver: 'docker', platforms: ['linux/amd64', 'linux/s390x', 'linux/arm/v7'] })).rejects.toThrow(
      "builder 'nx-crossbake' cannot build linux/s390x, linux/arm/v7 (it serves linux/amd64, linux/arm64): register QEMU for them " +
        '(`docker run --privileged --rm tonistiigi/binfmt:qemu-v10.2.3 --install s390x,arm`)',
    );
  });
});

describe('ensureBuilder: emulators', () => {
  const arm64: BinfmtEntry = { name: 'qemu-aarch64', enabled: true, flags: 'F', platform: 'linux/arm64' };
  const arm: BinfmtEntry = { name: 'qemu-arm', enabled: true, flags: 'F', platform: 'linux/arm' };

  it('registers the missing ones with the configured image, before the builder starts', async () => {
    let registered: BinfmtEntry[] = [];
    const docker = fakeDocker();
    const exec: Exec = async (file, args, options) => {
      if (args[0] === 'run') registered = [arm64, arm];
      return docker.exec(file, args, options);
    };
    const { ensure, commands } = setup({ ...docker, exec }, { native: ['linux/amd64'], readBinfmt: () => registered });
    const facts = await ensure({ 'qemu-image': '127.0.0.1:5000/crossbake/binfmt:qemu-7.2' });
    expect(facts.emulatorsInstalled).toEqual(['linux/arm64', 'linux/arm/v7']);
    expect(commands()[0]).toBe('run --privileged --rm 127.0.0.1:5000/crossbake/binfmt:qemu-7.2 --install arm64,arm');
  });

  it('never registers what is already there', async () => {
    const { ensure, commands } = setup(fakeDocker(), { native: ['linux/amd64'], readBinfmt: () => [arm64, arm] });
    expect((await ensure({})).emulatorsInstalled).toEqual([]);
    expect(commands().some((c) => c.startsWith('run'))).toBe(false);
  });

  it('gives the exact command when installing is turned off', async () => {
    const { ensure, commands } = setup(fakeDocker(), { native: ['linux/amd64'], readBinfmt: () => [arm] });
    await expect(ensure({ 'install-qemu': false })).rejects.toThrow(
      'no QEMU emulator is registered for linux/arm64: run `docker run --privileged --rm tonistiigi/binfmt:qemu-v10.2.3 --install arm64` (or set install-qemu: true)',
    );
    expect(commands()).toEqual([]);
  });

  it('fails when the image did not register what was asked', async () => {
    const { ensure } = setup(fakeDocker(), { native: ['linux/amd64'], readBinfmt: () => [] });
    await expect(ensure({})).rejects.toThrow('tonistiigi/binfmt:qemu-v10.2.3 did not register an emulator for linux/arm64, linux/arm/v7');
  });

  it('leaves QEMU to the host when binfmt_misc cannot be seen (a CI job container), relying on the builder check', async () => {
    const docker = fakeDocker();
    const logs: string[] = [];
    await ensureBuilder(new DockerCli(docker.exec), normalizeBuilderSpec({ driver: 'docker', platforms: PLATFORMS }), {
      workspaceRoot: makeWorkspace([]),
      log: (m) => logs.push(m),
      native: ['linux/amd64'],
      binfmtVisible: () => false,
    });
    expect(docker.calls.some((c) => c[0] === 'run')).toBe(false);
    expect(logs.join('\n')).toContain('/proc/sys/fs/binfmt_misc is not mounted here');
    expect(docker.calls.map((c) => c.join(' '))).toContain('buildx inspect --bootstrap nx-crossbake');
  });

  it('does not install for platforms a native node serves', async () => {
    const { ensure, commands } = setup(fakeDocker(), { native: ['linux/amd64'], readBinfmt: () => [arm] });
    await ensure({ nodes: [{ name: 'arm', endpoint: 'ssh://arm', platforms: ['linux/arm64'] }] });
    expect(commands().some((c) => c.startsWith('run'))).toBe(false);
  });

  it('restarts a docker-container builder that started before the emulators were registered', async () => {
    let registered: BinfmtEntry[] = [];
    const docker = fakeDocker({ builders: { 'nx-crossbake': inspectText('nx-crossbake', 'docker-container', ['linux/amd64']) } });
    const exec: Exec = async (file, args, options) => {
      if (args[0] === 'run') registered = [arm64, arm];
      if (args[1] === 'stop') docker.builders.set('nx-crossbake', inspectText('nx-crossbake', 'docker-container', PLATFORMS));
      return docker.exec(file, args, options);
    };
    const { ensure, commands } = setup({ ...docker, exec }, { native: ['linux/amd64'], readBinfmt: () => registered });
    await expect(ensure({})).resolves.toMatchObject({ created: false });
    expect(commands()).toContain('buildx stop nx-crossbake');
  });
});

describe('removeBuilder', () => {
  it.each([
    ['docker', false, 'context rm --force nx-crossbake'],
    ['docker-container', false, 'buildx rm --keep-state nx-crossbake'],
    ['docker-container', true, 'buildx rm nx-crossbake'],
  ])('removes a %s builder (remove-state: %s) with `%s`', async (driver, removeState, command) => {
    const docker = fakeDocker({ builders: { 'nx-crossbake': inspectText('nx-crossbake', driver, PLATFORMS) } });
    expect(await removeBuilder(new DockerCli(docker.exec), normalizeBuilderSpec({}), removeState)).toBe(true);
    expect(docker.calls.map((c) => c.join(' '))).toContain(command);
    expect(docker.builders.has('nx-crossbake')).toBe(false);
  });

  it('says so when there is nothing to remove', async () => {
    const docker = fakeDocker();
    expect(await removeBuilder(new DockerCli(docker.exec), normalizeBuilderSpec({}), false)).toBe(false);
  });
});
