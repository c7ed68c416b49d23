import { buildkitdConfigDir } from '../core/private-dirs';
/**
 * ensureBuilder with what the workspace and the engine say: host networking, the engine's registries in the
 * buildkitd config, drift of a builder made earlier, remote builders. The docker CLI is the fake one, with
 * `buildx create` kept as buildx keeps it (driver options, pinned platforms, the config file) so that a
 * second run inspects what the first one made.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerCli } from '../docker/docker-cli';
import type { Exec } from '../process/exec';
import { parseCsv } from '../core/csv';
import { fakeDocker, inspectText, makeWorkspace } from '../../../test-support/fake-docker';
import { normalizeBuilderSpec } from './builder-spec';
import type { BinfmtEntry } from './emulation';
import { ensureBuilder, type WorkspaceUse } from './ensure-builder';
import { usePrivateStateDir } from '../../../test-support/state-dir';

usePrivateStateDir();

const fixture = (name: string) => readFileSync(join(__dirname, '..', '__fixtures__', name), 'utf8');
const ok = (stdout = '') => ({ exitCode: 0, stdout, stderr: '' });
const SERVED = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/arm/v6'];

interface HeldNode {
  name: string;
  endpoint: string;
  driverOpts: Record<string, string>;
  pinned: string[];
  config?: string;
}

/** A builder as `buildx inspect` prints it (commands/inspect.go), config included. */
const heldText = (name: string, driver: string, nodes: HeldNode[]) =>
  [
    `Name:          ${name}`,
    `Driver:        ${driver}`,
    '',
    'Nodes:',
    ...nodes.flatMap((n, i) => [
      ...(i > 0 ? [''] : []),
      `Name:                  ${n.name}`,
      `Endpoint:              ${n.endpoint}`,
      ...(Object.keys(n.driverOpts).length
        ? [
            `Driver Options:        ${Object.entries(n.driverOpts)
              .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
              .join(' ')}`,
          ]
        : []),
      'Status:                running',
      `Platforms:             ${[...n.pinned.map((p) => `${p}*`), ...SERVED.filter((p) => !n.pinned.includes(p))].join(', ')}`,
      ...(n.config !== undefined ? ['File#buildkitd.toml:', ...n.config.split('\n').map((l) => ` > ${l}`)] : []),
    ]),
  ].join('\n');

const after = (args: readonly string[], flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);

/** The fake docker, keeping what `buildx create` made as buildx would, and answering the engine's registry config. */
function rigDocker(builders: Record<string, string> = {}, engine = fixture('docker-info.registry-config.json')) {
  const docker = fakeDocker({ builders, servedPlatforms: SERVED });
  const held = new Map<string, { driver: string; nodes: HeldNode[] }>();
  const exec: Exec = async (file, args, options) => {
    if (args[0] === 'info' && args[2].includes('RegistryConfig')) return (docker.calls.push([...args]), ok(engine));
    if (args[0] === 'image' && args[1] === 'inspect')
      return (
        docker.calls.push([...args]),
        ok('["tonistiigi/binfmt@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0"]')
      );
    const result = await docker.exec(file, args, options);
    if (args[1] !== 'create' || result.exitCode !== 0) return result;
    const name = after(args, '--name')!;
    const driverOpts = Object.fromEntries(
      args
        .flatMap((a, i) => (args[i - 1] === '--driver-opt' ? parseCsv(a).fields! : []))
        .map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]),
    );
    const config = after(args, '--buildkitd-config');
    const last = args[args.length - 1];
    const node: HeldNode = {
      name: after(args, '--node') ?? `${name}0`,
      endpoint: last === '--bootstrap' ? 'unix:///var/run/docker.sock' : last,
      driverOpts,
      pinned: after(args, '--platform')?.split(',') ?? [],
      config: config && readFileSync(config, 'utf8'),
    };
    const builder = args.includes('--append') ? held.get(name)! : { driver: after(args, '--driver')!, nodes: [] };
    builder.nodes.push(node);
    held.set(name, builder);
    docker.builders.set(name, heldText(name, builder.driver, builder.nodes));
    return result;
  };
  return { ...docker, exec };
}

const loopbackUse: WorkspaceUse = {
  registries: [
    { registry: '127.0.0.1:5000', tasks: ['api:docker-multiarch', 'web:docker-multiarch'] },
    { registry: 'docker.io', tasks: ['api:docker-multiarch'] },
  ],
};

function setup(
  docker: ReturnType<typeof rigDocker>,
  env: { native?: string[]; readBinfmt?: () => BinfmtEntry[]; workspaceRoot?: string } = {},
) {
  const logs: string[] = [];
  const workspaceRoot = env.workspaceRoot ?? makeWorkspace([]);
  const ensure = (raw: Parameters<typeof normalizeBuilderSpec>[0], use: WorkspaceUse = {}) =>
    ensureBuilder(
      new DockerCli(docker.exec),
      normalizeBuilderSpec({ platforms: ['linux/amd64', 'linux/arm64'], ...raw }),
      {
        workspaceRoot,
        log: (m) => logs.push(m),
        native: env.native ?? ['linux/amd64', 'linux/arm64', 'linux/arm'],
        readBinfmt: env.readBinfmt ?? (() => []),
      },
      use,
    );
  const commands = () => docker.calls.map((c) => c.join(' '));
  return { ensure, logs, commands, workspaceRoot };
}

describe('ensureBuilder: a docker-container builder for a workspace on a loopback registry', () => {
  it("is created with host networking and the engine's insecure registries, saying why once", async () => {
    const { ensure, logs, commands, workspaceRoot } = setup(rigDocker());
    const facts = await ensure({}, loopbackUse);
    const config = join(buildkitdConfigDir(workspaceRoot), 'buildkitd-nx-crossbake.toml');
    expect(commands()).toContain(
      `buildx create --name nx-crossbake --driver docker-container --driver-opt network=host --buildkitd-config ${config} --bootstrap`,
    );
    // The recorded engine lists 127.0.0.1:5000 and :5001 as insecure: both go to BuildKit, which has no CIDRs.
    expect(readFileSync(config, 'utf8')).toBe(
      '# generated by nx-crossbake\n[registry."127.0.0.1:5000"]\n  http = true\n  insecure = true\n\n[registry."127.0.0.1:5001"]\n  http = true\n  insecure = true\n',
    );
    const said = logs.filter((l) => l.includes('host networking'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain("127.0.0.1:5000 (api:docker-multiarch, web:docker-multiarch) is on this machine's loopback");
    expect(facts.hostNetworkReason).toBe(said[0].replace('nx-crossbake: ', ''));
  });

  it('is found as it was made on the next run: no drift, nothing created, nothing said', async () => {
    const docker = rigDocker();
    const { ensure, logs, commands } = setup(docker);
    await ensure({}, loopbackUse);
    logs.length = 0;
    docker.calls.length = 0;
    const facts = await ensure({}, loopbackUse);
    expect(facts).toMatchObject({ created: false, recreated: false, drift: [] });
    expect(commands()).toEqual([
      'buildx inspect nx-crossbake',
      'info --format {{json .RegistryConfig}}',
      'buildx inspect --bootstrap nx-crossbake',
    ]);
    expect(logs).toEqual([]);
  });

  it("derives host:port entries from the registries used in the engine's insecure ranges, and takes its mirrors", async () => {
    const engine = JSON.stringify({
      IndexConfigs: {},
      InsecureRegistryCIDRs: ['127.0.0.0/8', '10.0.0.0/8'],
      Mirrors: ['http://10.1.2.3:5000/'],
    });
    const { ensure, workspaceRoot } = setup(rigDocker({}, engine));
    await ensure(
      {},
      {
        registries: [
          { registry: 'localhost:5001', tasks: ['a:b'] },
          { registry: '10.9.9.9:443', tasks: ['c:d'] },
          { registry: 'ghcr.io', tasks: ['e:f'] },
        ],
      },
    );
    const toml = readFileSync(join(buildkitdConfigDir(workspaceRoot), 'buildkitd-nx-crossbake.toml'), 'utf8');
    expect(toml).toContain('[registry."docker.io"]\n  mirrors = ["10.1.2.3:5000"]');
    for (const registry of ['10.1.2.3:5000', '10.9.9.9:443', 'localhost:5001'])
      expect(toml).toContain(`[registry."${registry}"]\n  http = true`);
    expect(toml).not.toContain('ghcr.io');
  });

  it('keeps the network the options choose, and says nothing about it', async () => {
    const { ensure, logs, commands } = setup(rigDocker());
    const facts = await ensure({ network: 'bridge' }, loopbackUse);
    expect(commands().find((c) => c.startsWith('buildx create'))).toContain('--driver-opt network=bridge');
    expect(facts.hostNetworkReason).toBeUndefined();
    expect(logs.join('\n')).not.toContain('host networking');
  });

  it('uses the default network when nothing it uses is on the loopback', async () => {
    const { ensure, commands } = setup(rigDocker());
    await ensure({}, { registries: [{ registry: 'ghcr.io', tasks: ['api:docker-multiarch'] }] });
    expect(commands().find((c) => c.startsWith('buildx create'))).not.toContain('network=');
  });
});

describe('ensureBuilder: drift that matters', () => {
  // A builder made before host networking was decided: no driver options, the engine's config only.
  const old = heldText('nx-crossbake', 'docker-container', [
    {
      name: 'nx-crossbake0',
      endpoint: 'unix:///var/run/docker.sock',
      driverOpts: {},
      pinned: [],
      config: '\n[registry]\n\n  [registry."127.0.0.1:5000"]\n    http = true\n    insecure = true\n',
    },
  ]);

  it('reports the network and the config, and leaves the builder alone', async () => {
    const { ensure, logs, commands } = setup(rigDocker({ 'nx-crossbake': old }));
    const facts = await ensure({}, loopbackUse);
    expect(facts.drift).toEqual([
      `node 'nx-crossbake0': driver option network is unset, the options make it "host"`,
      `node 'nx-crossbake0': its buildkitd config differs: it lacks registry."127.0.0.1:5001".http = true; it lacks registry."127.0.0.1:5001".insecure = true`,
    ]);
    expect(
      logs.filter((l) =>
        l.endsWith(
          '(to rebuild it from its options, run `docker buildx rm --keep-state nx-crossbake` (the next run creates it, its build cache kept), or set recreate: true)',
        ),
      ),
    ).toHaveLength(2);
    expect(commands().some((c) => c.includes(' rm ') || c.includes(' create '))).toBe(false);
  });

  it('rebuilds it with recreate: true, keeping its state', async () => {
    const { ensure, commands, logs } = setup(rigDocker({ 'nx-crossbake': old }));
    expect(await ensure({ recreate: true }, loopbackUse)).toMatchObject({ recreated: true, drift: [] });
    expect(commands()).toContain('buildx rm --keep-state nx-crossbake');
    expect(commands().find((c) => c.startsWith('buildx create'))).toContain('--driver-opt network=host');
    expect(logs.filter((l) => l.includes('host networking'))).toHaveLength(1);
  });

  it("says nothing of a builder no setup target configures: the engine's default builder is used as it is", async () => {
    const docker = rigDocker({ default: inspectText('default', 'docker', SERVED) });
    const logs: string[] = [];
    const facts = await ensureBuilder(
      new DockerCli(docker.exec),
      normalizeBuilderSpec({ builder: 'default', platforms: [] }, ['linux/amd64', 'linux/s390x']),
      { workspaceRoot: makeWorkspace([]), log: (m) => logs.push(m), native: ['linux/amd64', 'linux/s390x'], readBinfmt: () => [] },
      { asIs: true, registries: loopbackUse.registries },
    );
    expect(facts.drift).toEqual([]);
    expect(logs.join('\n')).not.toContain('differs from its options');
    expect(docker.calls.map((c) => c.join(' '))).toEqual(['buildx inspect default', 'buildx inspect --bootstrap default']);
    expect([...facts.unavailable.keys()]).toEqual(['linux/s390x']);
  });
});

describe('ensureBuilder: remote builders', () => {
  const certs = { cacert: 'certs/ca.pem', cert: 'certs/client.pem', key: 'certs/client.key' };

  it('passes TLS files as absolute paths, to every node, and never installs QEMU here', async () => {
    const { ensure, commands, workspaceRoot } = setup(rigDocker(), { native: ['linux/amd64'], readBinfmt: () => [] });
    const facts = await ensure({
      driver: 'remote',
      endpoint: 'tcp://127.0.0.1:1234',
      ...certs,
      servername: 'buildkitd',
      platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
      nodes: [{ name: 'arm', endpoint: 'tcp://127.0.0.1:1235', platforms: ['linux/arm64', 'linux/arm/v7'] }],
    });
    const tls = (names: string[]) => names.map((k) => `--driver-opt ${k}=${join(workspaceRoot, certs[k as keyof typeof certs])}`).join(' ');
    expect(commands().filter((c) => !c.startsWith('buildx inspect'))).toEqual([
      `buildx create --name nx-crossbake --driver remote ${tls(['cacert', 'cert', 'key'])} --driver-opt servername=buildkitd --platform linux/amd64 --bootstrap tcp://127.0.0.1:1234`,
      `buildx create --append --name nx-crossbake --node arm ${tls(['cacert', 'cert', 'key'])} --platform linux/arm64,linux/arm/v7 --bootstrap tcp://127.0.0.1:1235`,
    ]);
    expect(facts.emulatorsInstalled).toEqual([]);
  });

  it("says a platform the daemon lacks is that daemon's to emulate", async () => {
    const docker = rigDocker({ r: inspectText('r', 'remote', ['linux/amd64']) });
    const { ensure, commands } = setup(docker, { native: ['linux/amd64'] });
    const facts = await ensure({
      builder: 'r',
      driver: 'remote',
      endpoint: 'tcp://127.0.0.1:1234',
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    expect(commands().some((c) => c.startsWith('run'))).toBe(false);
    expect(facts.unavailable.get('linux/arm64')).toBe(
      "builder 'r' cannot build linux/arm64 (it serves linux/amd64): a remote builder runs no emulator of this machine, so nx-crossbake installs none here; " +
        "register QEMU on the BuildKit daemon's host, then restart that daemon, or add a native node for it in the setup target's 'nodes', or drop it from 'platforms'",
    );
  });
});

describe('ensureBuilder: the emulator installer', () => {
  it('says the digest of the installer image that ran privileged', async () => {
    let registered: BinfmtEntry[] = [];
    const docker = rigDocker();
    const exec: Exec = async (file, args, options) => {
      if (args[0] === 'run') registered = [{ name: 'qemu-aarch64', enabled: true, flags: 'F', platform: 'linux/arm64' }];
      return docker.exec(file, args, options);
    };
    const { ensure, logs, commands } = setup({ ...docker, exec }, { native: ['linux/amd64'], readBinfmt: () => registered });
    const facts = await ensure({});
    expect(commands()).toContain(
      'image inspect --format {{json .RepoDigests}} tonistiigi/binfmt:qemu-v10.2.3@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0',
    );
    expect(facts.installerDigest).toBe('sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0');
    expect(logs).toContain(
      'nx-crossbake: the QEMU installer that ran privileged was tonistiigi/binfmt:qemu-v10.2.3@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0',
    );
  });
});
