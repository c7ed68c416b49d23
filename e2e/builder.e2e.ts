import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { BUILDKIT_IMAGE } from './support/rig';
import { BINFMT_IMAGE, RUN_ID, run, SETUP_OPTIONS, Workspace } from './support/workspace';

const AARCH64 = '/proc/sys/fs/binfmt_misc/qemu-aarch64';
/** Every builder buildx knows, docker-driver contexts included. */
const builders = () => run('docker', ['buildx', 'ls', '--format', '{{.Name}}']).stdout.split('\n').filter(Boolean);
const DRIVER = SETUP_OPTIONS.driver;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

function setupWorkspace(label: string, options: Record<string, unknown>): Workspace {
  const ws = new Workspace(label, [], {}, options);
  ws.write(
    'tools/builder/project.json',
    JSON.stringify({
      name: 'builder',
      root: 'tools/builder',
      targets: { 'docker-setup': { executor: 'nx-crossbake:setup', options, configurations: { remove: { remove: true } } } },
    }),
  );
  return ws;
}

afterAll(() => {
  // Leave QEMU as the rig set it up, and no builder of this run behind, whatever a test did.
  run('bash', ['-c', `[ -e ${AARCH64} ] || docker run --privileged --rm ${BINFMT_IMAGE} --install arm64`]);
  for (const builder of builders().filter((b) => b.endsWith(`-${RUN_ID}`))) run('docker', ['buildx', 'rm', '--force', builder]);
});

describe('nx-crossbake:setup: QEMU', () => {
  it('registers a missing emulator with a privileged container of the configured image, and only once', () => {
    writeFileSync(AARCH64, '-1'); // unregister
    const ws = setupWorkspace('qemu', {
      ...SETUP_OPTIONS,
      builder: `qemu-${RUN_ID}`,
      platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
    });

    const first = ws.nx(['run', 'builder:docker-setup']);
    expect(first.code).toBe(0);
    expect(first.output).toContain('QEMU registered for linux/arm64');
    const entry = readFileSync(AARCH64, 'utf8');
    expect(entry).toMatch(/^enabled/);
    expect(entry).toMatch(/^flags: .*F/m);
    expect(ws.dockerCalls()).toContain(`run --privileged --rm ${BINFMT_IMAGE} --install arm64`);

    const second = ws.nx(['run', 'builder:docker-setup']);
    expect(second.code).toBe(0);
    expect(ws.dockerCalls().filter((c) => c.startsWith('run --privileged'))).toHaveLength(1);
  });

  it('fails with the exact command to run when installing is turned off', () => {
    const ws = setupWorkspace('qemu-off', {
      ...SETUP_OPTIONS,
      builder: `qemu-${RUN_ID}`,
      platforms: ['linux/s390x'],
      'install-qemu': false,
    });
    const result = ws.nx(['run', 'builder:docker-setup']);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      `no QEMU emulator is registered for linux/s390x: run \`docker run --privileged --rm ${BINFMT_IMAGE} --install s390x\``,
    );
  });
});

describe('nx-crossbake:setup: the named builder', () => {
  it('16 setups at once, from 16 Nx workspaces, converge on exactly one builder with zero failures', async () => {
    const builder = `race-${RUN_ID}`;
    const workspaces = Array.from({ length: 16 }, (_, i) => setupWorkspace(`race-${i}`, { ...SETUP_OPTIONS, builder }));
    const started = Date.now();
    const codes = await Promise.all(
      workspaces.map(
        (ws) =>
          new Promise<number>((resolve) => {
            const child = spawn('npx', ['nx', 'run', 'builder:docker-setup', '--output-style=static'], {
              cwd: ws.dir,
              env: { ...process.env, PATH: `${ws.dir}/.shim:${process.env.PATH}`, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
              stdio: ['ignore', 'pipe', 'pipe'],
            });
            let output = '';
            child.stdout.on('data', (d) => (output += d));
            child.stderr.on('data', (d) => (output += d));
            child.on('exit', (code) => {
              if (code !== 0) process.stderr.write(`[e2e] builder race: a setup failed:\n${output}\n`);
              resolve(code ?? 1);
            });
          }),
      ),
    );
    process.stderr.write(`[e2e] builder race: 16 concurrent setups took ${seconds(Date.now() - started)}\n`);
    expect(codes).toEqual(Array(16).fill(0));
    expect(builders().filter((b) => b === builder)).toHaveLength(1);
    const creates = workspaces.flatMap((ws) => ws.dockerCalls()).filter((c) => c.startsWith(`buildx create --name ${builder} `));
    expect(creates).toHaveLength(1);
  });

  it('reuses a ready builder quickly, and recreates it after it was removed', () => {
    const builder = `life-${RUN_ID}`;
    const ws = setupWorkspace('lifecycle', { ...SETUP_OPTIONS, builder });
    expect(ws.nx(['run', 'builder:docker-setup']).code).toBe(0);
    expect(builders()).toContain(builder);

    const noop = ws.nx(['run', 'builder:docker-setup']);
    expect(noop.code).toBe(0);
    expect(noop.output).toMatch(new RegExp(`builder '${builder}' ready \\(driver ${DRIVER}(, network \\S+)?, reused\\) in \\d+\\.\\ds`));
    process.stderr.write(`[e2e] no-op setup: ${noop.output.match(/reused\) in (\S+);/)![1]} inside the executor\n`);

    const removed = ws.nx(['run', 'builder:docker-setup:remove']);
    expect(removed.code).toBe(0);
    expect(removed.output).toContain(`builder '${builder}' removed (state kept)`);
    expect(builders()).not.toContain(builder);

    const again = ws.nx(['run', 'builder:docker-setup']);
    expect(again.code).toBe(0);
    expect(again.output).toMatch(new RegExp(`builder '${builder}' ready \\(driver ${DRIVER}(, network \\S+)?, created`));
    expect(builders()).toContain(builder);
    ws.nx(['run', 'builder:docker-setup:remove']);
  });

  it('names the exact command that rebuilds a builder lacking what its options ask (issue #24), and the next run creates it', () => {
    const builder = `drift-${RUN_ID}`;
    // Made by hand, as an older run or a colleague would have: the engine's default network, where the options say host.
    const made = run('docker', [
      'buildx',
      'create',
      '--name',
      builder,
      '--driver',
      'docker-container',
      '--driver-opt',
      `image=${BUILDKIT_IMAGE}`,
    ]);
    expect([made.code, made.output]).toEqual([0, expect.anything()]);
    const ws = setupWorkspace('drift', { ...SETUP_OPTIONS, builder, network: 'host' });
    const warned = ws.nx(['run', 'builder:docker-setup']);
    expect(warned.code).toBe(0);
    const command = `docker buildx rm --keep-state ${builder}`;
    expect(warned.output).toContain(
      `warning: builder '${builder}' differs from its options: node '${builder}0': driver option network is unset, the options make it "host" (to rebuild it from its options, run \`${command}\``,
    );
    const [program, ...args] = command.split(' ');
    expect(run(program, args).code).toBe(0);
    const again = ws.nx(['run', 'builder:docker-setup']);
    expect(again.code).toBe(0);
    expect(again.output).toMatch(new RegExp(`builder '${builder}' ready \\(driver docker-container, network host, created`));
    expect(again.output).not.toContain('differs from its options');
    ws.nx(['run', 'builder:docker-setup:remove']);
  });

  it('fails naming a platform it cannot serve, and how to fix it', () => {
    const ws = setupWorkspace('unservable', { ...SETUP_OPTIONS, builder: `nope-${RUN_ID}`, platforms: ['linux/amd64', 'linux/s390x'] });
    const result = ws.nx(['run', 'builder:docker-setup']);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(`registering QEMU for linux/s390x with ${BINFMT_IMAGE} failed (exit 1)`);
    expect(result.output).toContain("this image has no emulator for 's390x'");
    expect(result.output).toContain("Check that the image can be pulled and has these emulators ('qemu-image' option)");
  });

  it('multiarch builds on a builder it had to create first', () => {
    const builder = `auto-${RUN_ID}`;
    const ws = setupWorkspace('auto', { ...SETUP_OPTIONS, builder });
    ws.addService({
      name: 'app',
      root: 'apps/app',
      dockerfile: 'FROM 127.0.0.1:5000/crossbake/busybox:1\nRUN uname -m > /m\n',
      options: { builder, platforms: ['linux/amd64', 'linux/arm64'], outputs: ['type=cacheonly'] },
    });
    expect(builders()).not.toContain(builder);
    const result = ws.nx(['run-many', '-t', 'docker-multiarch']);
    expect(result.code).toBe(0);
    expect(result.output).toContain(`created builder '${builder}' (driver ${DRIVER})`);
    expect(ws.bakeCalls()[0]).toMatch(new RegExp(`^buildx --builder ${builder} bake `));
    ws.nx(['run', 'builder:docker-setup:remove']);
  });
});
