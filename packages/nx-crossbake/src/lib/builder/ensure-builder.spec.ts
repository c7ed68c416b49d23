import { buildkitdConfigDir } from '../core/private-dirs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerCli } from '../docker/docker-cli';
import type { Exec } from '../process/exec';
import { fakeDocker, inspectText, makeWorkspace } from '../../../test-support/fake-docker';
import { normalizeBuilderSpec } from './builder-spec';
import { BinfmtSnapshot, type BinfmtEntry } from './emulation';
import { ensureBuilder, removeBuilder } from './ensure-builder';
import { readReadiness, recordReadiness } from './readiness';
import { memoryStateStore } from '../core/state-file';
import { usePrivateStateDir } from '../../../test-support/state-dir';

usePrivateStateDir();

// The default installer, pinned by digest as well as by tag (it runs privileged).
const QEMU = 'tonistiigi/binfmt:qemu-v10.2.3@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0';
const ALL_NATIVE = ['linux/amd64', 'linux/arm64', 'linux/arm'];
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];

function setup(docker = fakeDocker(), env: { native?: string[]; readBinfmt?: () => BinfmtEntry[] } = {}) {
  const logs: string[] = [];
  const workspaceRoot = makeWorkspace([]);
  // `projectPlatforms`: what the projects being built ask for, added to the setup target's own.
  const ensure = (raw: Parameters<typeof normalizeBuilderSpec>[0], projectPlatforms: string[] = []) =>
    ensureBuilder(new DockerCli(docker.exec), normalizeBuilderSpec({ platforms: PLATFORMS, ...raw }, projectPlatforms), {
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

  it('asks a builder that another process is still booting again, until its node lists its platforms', async () => {
    const docker = fakeDocker({ builders: { 'nx-crossbake': inspectText('nx-crossbake', 'docker', PLATFORMS) } });
    let booting = 2;
    const exec: Exec = async (file, args, options) =>
      args.includes('--bootstrap') && booting-- > 0
        ? { exitCode: 0, stdout: inspectText('nx-crossbake', 'docker', []), stderr: '' }
        : docker.exec(file, args, options);
    const { ensure } = setup({ ...docker, exec });
    const facts = await ensure({ driver: 'docker' });
    expect(booting).toBe(-1);
    expect(facts.unavailable.size).toBe(0);
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
      'insecure-registries': ['registry.internal:5000'],
      nodes: [{ name: 'arm', endpoint: 'ssh://ci@arm-host', platforms: ['linux/arm64'] }],
    });
    const config = join(buildkitdConfigDir(workspaceRoot), 'buildkitd-ci.toml');
    expect(commands()).toEqual([
      'buildx inspect ci',
      'info --format {{json .RegistryConfig}}',
      'buildx inspect ci',
      `buildx create --name ci --driver docker-container --driver-opt image=moby/buildkit:v0.26.2 --platform linux/amd64,linux/arm/v7 --buildkitd-config ${config} --bootstrap`,
      `buildx create --append --name ci --node arm --platform linux/arm64 --buildkitd-config ${config} --bootstrap ssh://ci@arm-host`,
      'buildx inspect --bootstrap ci',
    ]);
    expect(readFileSync(config, 'utf8')).toContain('[registry."registry.internal:5000"]');
  });

  it('writes no buildkitd config when nothing needs one, and passes a remote endpoint', async () => {
    const { ensure, commands, workspaceRoot } = setup();
    await ensure({ builder: 'r', driver: 'remote', endpoint: 'tcp://buildkitd:1234' });
    expect(commands()[2]).toBe('buildx create --name r --driver remote --bootstrap tcp://buildkitd:1234');
    expect(existsSync(join(buildkitdConfigDir(workspaceRoot), 'buildkitd-r.toml'))).toBe(false);
  });

  it('counts "existing instance" from a racing process as success', async () => {
    const docker = fakeDocker();
    const racing: Exec = async (file, args, options) => {
      if (args[1] === 'create') {
        docker.builders.set('nx-crossbake', inspectText('nx-crossbake', 'docker-container', PLATFORMS));
        return {
          exitCode: 1,
          stdout: '',
          stderr:
            'ERROR: existing instance for "nx-crossbake" but no append mode, specify the node name to make changes for existing instances',
        };
      }
      return docker.exec(file, args, options);
    };
    const { ensure } = setup({ ...docker, exec: racing });
    await expect(ensure({})).resolves.toMatchObject({ created: false });
  });

  it("fails with buildx's words when creating fails for another reason", async () => {
    const { ensure } = setup(fakeDocker({ createFails: 'ERROR: failed to find driver "kubernetes"' }));
    await expect(ensure({ driver: 'kubernetes' })).rejects.toThrow(
      /buildx create .* exited with code 1:\nERROR: failed to find driver "kubernetes"/,
    );
  });

  it('reports a builder that differs from its options, and leaves it alone', async () => {
    const docker = fakeDocker({ builders: { 'nx-crossbake': inspectText('nx-crossbake', 'docker-container', PLATFORMS) } });
    const { ensure, logs, commands } = setup(docker);
    const facts = await ensure({ driver: 'docker' });
    expect(facts.drift).toEqual(["its driver is 'docker-container', the options ask for 'docker'"]);
    expect(logs.join('\n')).toContain(
      "warning: builder 'nx-crossbake' differs from its options: its driver is 'docker-container', the options ask for 'docker' (to rebuild it from its options, run `docker buildx rm --keep-state nx-crossbake` (the next run creates it, its build cache kept), or set recreate: true)",
    );
    expect(commands().some((c) => c.includes('rm') || c.includes('create'))).toBe(false);
  });

  it('recreates it when asked to', async () => {
    const docker = fakeDocker({ builders: { 'nx-crossbake': inspectText('nx-crossbake', 'docker-container', PLATFORMS) } });
    const { ensure, commands } = setup(docker);
    expect(await ensure({ driver: 'docker', recreate: true })).toMatchObject({ recreated: true });
    expect(commands()).toContain('buildx rm --keep-state nx-crossbake');
    expect(commands().filter((c) => c.startsWith('context create'))).toHaveLength(1);
  });

  it('returns each platform it cannot serve with how to fix it, and leaves the others usable', async () => {
    const { ensure } = setup(fakeDocker({ servedPlatforms: ['linux/amd64', 'linux/arm64'] }), { native: [...ALL_NATIVE, 'linux/s390x'] });
    const facts = await ensure({ driver: 'docker', platforms: ['linux/amd64', 'linux/s390x', 'linux/arm64', 'linux/arm/v7'] });
    expect([...facts.unavailable.keys()]).toEqual(['linux/s390x', 'linux/arm/v7']);
    expect(facts.unavailable.get('linux/s390x')).toBe(
      "builder 'nx-crossbake' cannot build linux/s390x (it serves linux/amd64, linux/arm64): register QEMU for it " +
        `(\`docker run --privileged --rm ${QEMU} --install s390x\`), add a native node for it in the setup target's 'nodes', ` +
        "or drop it from 'platforms'",
    );
    expect(facts.unavailable.get('linux/arm/v7')).toContain('--install arm`');
  });

  it('says when no emulator exists for an architecture, offering a native node instead', async () => {
    const { ensure, commands } = setup(fakeDocker({ servedPlatforms: ['linux/amd64'] }), { native: ['linux/amd64'] });
    const facts = await ensure({ driver: 'docker', platforms: ['linux/amd64'] }, ['linux/sparc64']);
    expect(commands().some((c) => c.startsWith('run'))).toBe(false);
    expect(facts.unavailable.get('linux/sparc64')).toBe(
      "builder 'nx-crossbake' cannot build linux/sparc64 (it serves linux/amd64), and QEMU has no emulator for it " +
        '(tonistiigi/binfmt knows amd64, arm64, arm, s390x, ppc64le, riscv64, 386, mips64le, mips64, loong64): ' +
        "add a native node for it in the setup target's 'nodes', or drop it from 'platforms'",
    );
  });

  it('builds other OSes as BuildKit can: no emulator, and no served-platform check for them', async () => {
    const { ensure, commands } = setup(fakeDocker({ servedPlatforms: ['linux/amd64'] }), { native: ['linux/amd64'], readBinfmt: () => [] });
    const facts = await ensure({ platforms: ['linux/amd64'] }, ['darwin/arm64', 'windows/amd64', 'freebsd/amd64']);
    expect(commands().some((c) => c.startsWith('run'))).toBe(false);
    expect(facts.unavailable.size).toBe(0);
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
    const install = commands().indexOf('run --privileged --rm 127.0.0.1:5000/crossbake/binfmt:qemu-7.2 --install arm64,arm');
    expect(install).toBeGreaterThan(-1);
    expect(install).toBeLessThan(commands().findIndex((c) => c.startsWith('buildx create')));
  });

  it('never registers what is already there', async () => {
    const { ensure, commands } = setup(fakeDocker(), { native: ['linux/amd64'], readBinfmt: () => [arm64, arm] });
    expect((await ensure({})).emulatorsInstalled).toEqual([]);
    expect(commands().some((c) => c.startsWith('run'))).toBe(false);
  });

  it('forgets what runs recorded of a builder it creates, recreates or removes', async () => {
    const state = memoryStateStore();
    const ready = { driver: 'docker', reachesHostLoopback: true, platforms: [] };
    const cli = new DockerCli(fakeDocker({ builders: { kept: inspectText('kept', 'docker-container', PLATFORMS) } }).exec);
    for (const name of ['made', 'kept', 'gone', 'other']) recordReadiness(state, name, 'k', ready, 1);
    const env = { workspaceRoot: makeWorkspace([]), log: () => undefined, native: ALL_NATIVE, readBinfmt: () => [], state };
    await ensureBuilder(cli, normalizeBuilderSpec({ builder: 'made', driver: 'docker', platforms: PLATFORMS }), env);
    await ensureBuilder(cli, normalizeBuilderSpec({ builder: 'kept', driver: 'docker', recreate: true, platforms: PLATFORMS }), env);
    await removeBuilder(cli, normalizeBuilderSpec({ builder: 'gone' }), false, state);
    expect(['made', 'kept', 'gone', 'other'].map((name) => readReadiness(state, name, 'k', [], 1) !== undefined)).toEqual([
      false,
      false,
      false,
      true,
    ]);
  });

  it('reads binfmt_misc once for every builder of a run, and again only after registering an emulator', async () => {
    let reads = 0;
    let registered: BinfmtEntry[] = [arm64];
    const binfmt = new BinfmtSnapshot(() => (reads++, registered));
    const docker = fakeDocker();
    const exec: Exec = async (file, args, options) => {
      if (args[0] === 'run') registered = [arm64, arm];
      return docker.exec(file, args, options);
    };
    const cli = new DockerCli(exec);
    const env = { workspaceRoot: makeWorkspace([]), log: () => undefined, native: ['linux/amd64'], binfmt, binfmtVisible: () => true };
    await ensureBuilder(cli, normalizeBuilderSpec({ builder: 'a', platforms: ['linux/amd64', 'linux/arm64'] }), env);
    await ensureBuilder(cli, normalizeBuilderSpec({ builder: 'b', platforms: ['linux/arm64'] }), env);
    expect(reads).toBe(1);
    // a third builder needs an emulator: read afresh under the lock, and after the install
    await ensureBuilder(cli, normalizeBuilderSpec({ builder: 'c', platforms: ['linux/arm/v7'] }), env);
    expect(reads).toBeGreaterThan(1);
    expect(binfmt.read()).toEqual([arm64, arm]);
  });

  it('gives the exact command when installing is turned off', async () => {
    const { ensure, commands } = setup(fakeDocker({ servedPlatforms: ['linux/amd64', 'linux/arm/v7'] }), {
      native: ['linux/amd64'],
      readBinfmt: () => [arm],
    });
    const facts = await ensure({ 'install-qemu': false });
    expect([...facts.unavailable.keys()]).toEqual(['linux/arm64']);
    expect(facts.unavailable.get('linux/arm64')).toBe(
      "builder 'nx-crossbake' cannot build linux/arm64: no QEMU emulator is registered for linux/arm64: " +
        `run \`docker run --privileged --rm ${QEMU} --install arm64\` (or set install-qemu: true); ` +
        "or add a native node for it in the setup target's 'nodes', or drop it from 'platforms'",
    );
    expect(commands().some((c) => c.startsWith('run'))).toBe(false);
  });

  it('trusts the builder over binfmt_misc: a platform it serves without our emulator is usable', async () => {
    // e.g. moby/buildkit's own buildkit-qemu-* binaries, or a remote BuildKit on that architecture.
    const { ensure } = setup(fakeDocker(), { native: ['linux/amd64'], readBinfmt: () => [] });
    expect((await ensure({ 'install-qemu': false })).unavailable.size).toBe(0);
  });

  it('reports what the image did not register, for those platforms only', async () => {
    let registered: BinfmtEntry[] = [];
    const docker = fakeDocker({ servedPlatforms: ['linux/amd64', 'linux/arm64'] });
    const exec: Exec = async (file, args, options) => {
      if (args[0] === 'run') registered = [arm64]; // exits 0, as tonistiigi/binfmt does when one emulator fails
      return docker.exec(file, args, options);
    };
    const { ensure } = setup({ ...docker, exec }, { native: ['linux/amd64'], readBinfmt: () => registered });
    const facts = await ensure({});
    expect(facts.emulatorsInstalled).toEqual(['linux/arm64']);
    expect([...facts.unavailable.keys()]).toEqual(['linux/arm/v7']);
    expect(facts.unavailable.get('linux/arm/v7')).toContain(
      `cannot build linux/arm/v7: ${QEMU} did not register an emulator for linux/arm/v7: check /proc/sys/fs/binfmt_misc and the image`,
    );
  });

  // The rig's installer: registers the names in order and exits 1 at the first it has no emulator for.
  function installerKnowing(known: Record<string, BinfmtEntry>, docker = fakeDocker({ servedPlatforms: ['linux/amd64'] })) {
    const registered: BinfmtEntry[] = [];
    const exec: Exec = async (file, args, options) => {
      if (args[0] !== 'run') return docker.exec(file, args, options);
      docker.calls.push([...args]);
      for (const name of args[args.length - 1].split(',')) {
        if (!known[name]) return { exitCode: 1, stdout: '', stderr: `this image has no emulator for '${name}'` };
        registered.push(known[name]);
        // BuildKit detects emulators on its own: the builder serves what is registered.
        docker.builders.set('nx-crossbake', inspectText('nx-crossbake', 'docker', ['linux/amd64', ...registered.map((e) => e.platform!)]));
      }
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    return { docker: { ...docker, exec }, readBinfmt: () => registered };
  }

  it('an emulator that cannot be installed marks only its platforms, asking for each emulator alone to tell which', async () => {
    const { docker, readBinfmt } = installerKnowing({ arm64 });
    const { ensure, commands } = setup(docker, { native: ['linux/amd64'], readBinfmt });
    const facts = await ensure({ driver: 'docker', platforms: ['linux/amd64', 'linux/s390x', 'linux/arm64'] });
    expect(
      commands()
        .filter((c) => c.startsWith('run'))
        .map((c) => c.split(' ').pop()),
    ).toEqual(['s390x,arm64', 's390x', 'arm64']);
    expect(facts.emulatorsInstalled).toEqual(['linux/arm64']);
    expect([...facts.unavailable.keys()]).toEqual(['linux/s390x']);
    expect(facts.unavailable.get('linux/s390x')).toBe(
      `builder 'nx-crossbake' cannot build linux/s390x: registering QEMU for linux/s390x with ${QEMU} failed (exit 1): ` +
        "this image has no emulator for 's390x'. Check that the image can be pulled and has these emulators ('qemu-image' option), " +
        "or register them yourself; or add a native node for it in the setup target's 'nodes', or drop it from 'platforms'",
    );
  });

  it('runs the installer once when its failure can only belong to the one emulator still missing', async () => {
    const { docker, readBinfmt } = installerKnowing({ arm64 });
    const { ensure, commands } = setup(docker, { native: ['linux/amd64'], readBinfmt });
    const facts = await ensure({ driver: 'docker', platforms: ['linux/amd64', 'linux/arm64', 'linux/s390x'] });
    expect(commands().filter((c) => c.startsWith('run'))).toEqual([`run --privileged --rm ${QEMU} --install arm64,s390x`]);
    expect([...facts.unavailable.keys()]).toEqual(['linux/s390x']);
  });

  it('a failed pull marks every platform it was for, one emulator each', async () => {
    const docker = fakeDocker({ servedPlatforms: ['linux/amd64'] });
    const exec: Exec = async (file, args, options) =>
      args[0] === 'run'
        ? { exitCode: 125, stdout: '', stderr: 'Unable to find image: pull access denied' }
        : docker.exec(file, args, options);
    const { ensure } = setup({ ...docker, exec }, { native: ['linux/amd64'], readBinfmt: () => [] });
    const facts = await ensure({ platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/arm/v6'] });
    expect([...facts.unavailable.keys()]).toEqual(['linux/arm64', 'linux/arm/v7', 'linux/arm/v6']);
    expect(facts.unavailable.get('linux/arm64')).toContain(
      `registering QEMU for linux/arm64 with ${QEMU} failed (exit 125): Unable to find image`,
    );
    expect(facts.unavailable.get('linux/arm/v6')).toContain('registering QEMU for linux/arm/v7, linux/arm/v6 with');
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
