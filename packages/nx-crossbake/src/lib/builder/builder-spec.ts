import schema from '../options/schemas/setup.json';
import type { SetupExecutorSchema, SetupNodeSchema } from '../options/schemas/setup';
import { CrossbakeError } from '../core/errors';
import { toStringList, toText } from '../options/coerce';
import { parseCsv } from '../core/csv';
import { normalizePlatforms } from '../docker/platforms';
import { optionReader, unknownOptionProblems } from '../options/schema-options';
import type { BuildkitdSettings } from './buildkitd-config';

export type Driver = NonNullable<SetupExecutorSchema['driver']>;

export interface NodeSpec {
  name: string;
  /** A Docker context or host, a BuildKit address; none for kubernetes. */
  endpoint?: string;
  platforms: string[];
  driverOpts: Record<string, string>;
}

/** TLS to a remote BuildKit: buildx's remote driver options, paths as written (from the workspace root). */
export interface TlsOptions {
  cacert?: string;
  cert?: string;
  key?: string;
  servername?: string;
}

/** The builder asked for, every default applied and every value checked. */
export interface BuilderSpec {
  name: string;
  driver: Driver;
  /** Driver options of the first node, by key, as buildx's csvToMap reads `--driver-opt`. */
  driverOpts: Record<string, string>;
  /** `auto` (host networking when the workspace's registries need it), `host`, or a Docker network. */
  network: string;
  tls: TlsOptions;
  endpoint?: string;
  platforms: string[];
  nodes: NodeSpec[];
  buildkitd: BuildkitdSettings;
  /** Workspace-relative path of the user's own buildkitd.toml. */
  buildkitdConfigFile?: string;
  installQemu: boolean;
  qemuImage: string;
  recreate: boolean;
}

// Docker context names (the docker driver's builder is a context) have the stricter rule of the two.
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/;
const DRIVERS: readonly Driver[] = ['docker-container', 'docker', 'remote', 'kubernetes'];
const NODE_KEYS: readonly (keyof SetupNodeSchema)[] = ['name', 'endpoint', 'platforms', 'driver-opts'];

/**
 * Driver options by key, read as buildx's csvToMap reads every `--driver-opt`: CSV fields, each `key=value`,
 * the last of a key winning. `["image=x,network=host"]` is two options, as on buildx's command line.
 */
function readDriverOpts(where: string, entries: string[], problems: string[]): Record<string, string> {
  const opts: Record<string, string> = {};
  for (const entry of entries) {
    const { fields, error } = parseCsv(entry);
    if (error !== undefined) problems.push(`${where}: driver option '${entry}' cannot be read: ${error}`);
    for (const f of fields ?? []) {
      const eq = f.indexOf('=');
      if (eq <= 0 || /\s/.test(f.slice(0, eq))) problems.push(`${where}: driver option '${f}' is not key=value`);
      else opts[f.slice(0, eq)] = f.slice(eq + 1);
    }
  }
  return opts;
}

function normalizeNode(node: Record<string, unknown>, index: number, driver: Driver, problems: string[]): NodeSpec {
  const where = `nodes[${index}]${typeof node.name === 'string' ? ` ('${node.name}')` : ''}`;
  const found: string[] = [];
  const name = toText('name', node.name, found);
  const endpoint = toText('endpoint', node.endpoint, found);
  const requested = toStringList('platforms', node.platforms, 'comma', found) ?? [];
  const driverOpts = toStringList('driver-opts', node['driver-opts'], 'line', found) ?? [];
  for (const key of Object.keys(node))
    if (!(NODE_KEYS as string[]).includes(key)) found.push(`unknown option '${key}' (a node takes ${NODE_KEYS.join(', ')})`);
  if (name === undefined || !NAME.test(name)) found.push(`'name' must match ${NAME.source}`);
  // buildx names a kubernetes node's deployment itself and refuses an endpoint there.
  if (driver === 'kubernetes' && endpoint)
    found.push(`'endpoint' is not for the kubernetes driver: its nodes are deployments buildx names`);
  if (driver !== 'kubernetes' && !endpoint) found.push(`'endpoint' is required (a Docker context or host; a BuildKit address for remote)`);
  if (requested.length === 0) found.push(`'platforms' must list what the node builds natively, e.g. ["linux/arm64"]`);
  const platforms = normalizePlatforms(requested, found);
  problems.push(...found.map((f) => `${where}: ${f}`));
  return { name: name ?? '', endpoint: endpoint || undefined, platforms, driverOpts: readDriverOpts(where, driverOpts, problems) };
}

const TLS_KEYS = ['cacert', 'cert', 'key', 'servername'] as const;

/** buildx's remote driver rules (driver/remote/factory.go): TLS needs the CA, and a client cert goes with its key. */
function readTls(
  read: ReturnType<typeof optionReader>,
  driver: Driver,
  driverOpts: Record<string, string>,
  problems: string[],
): TlsOptions {
  const tls: TlsOptions = {};
  for (const key of TLS_KEYS) {
    const value = read.text(key);
    if (value !== undefined && value !== '') tls[key] = value;
  }
  const given = TLS_KEYS.filter((k) => tls[k] !== undefined);
  if (given.length === 0) return tls;
  if (driver !== 'remote')
    problems.push(`${given.map((k) => `'${k}'`).join(', ')}: TLS options are for the remote driver (a BuildKit daemon you run)`);
  for (const key of given) if (key in driverOpts) problems.push(`'${key}' is set both as an option and as driver option ${key}=: keep one`);
  if (!tls.cacert) problems.push("TLS needs 'cacert', the CA that signed the daemon's certificate");
  if (Boolean(tls.cert) !== Boolean(tls.key)) problems.push("'cert' and 'key' go together: the client certificate and its private key");
  return tls;
}

/**
 * Checks setup options wherever they come from (a docker-setup target, or read by multiarch from the
 * workspace, where Nx has not validated them) and applies the defaults of setup/schema.json. Platforms
 * are normalized as buildx reads them (`linux/arm` is `linux/arm/v7`).
 * `extraPlatforms` are the platforms of the projects being built, normalized and checked with each
 * project's own options: one project's bad platform must not fail the builder of every other.
 */
export function normalizeBuilderSpec(raw: SetupExecutorSchema, extraPlatforms: readonly string[] = []): BuilderSpec {
  const problems = unknownOptionProblems(schema, raw);
  const read = optionReader(schema, raw, problems);
  const name = read.text('builder') ?? '';
  if (!NAME.test(name)) problems.push(`builder name '${name}' must match ${NAME.source}`);
  const driver = read.choice('driver', DRIVERS) ?? 'docker-container';
  const endpoint = read.text('endpoint') || undefined;

  const platforms = [...new Set([...normalizePlatforms(read.list('platforms', 'comma'), problems), ...extraPlatforms])];
  const nodes = read.objects('nodes').map((n, i) => normalizeNode(n, i, driver, problems));
  const names = nodes.map((n) => n.name);
  for (const dup of names.filter((n, i) => names.indexOf(n) !== i)) problems.push(`node name '${dup}' is used twice`);
  // buildx refuses two nodes on one endpoint ("invalid duplicate endpoint").
  const endpoints = [endpoint, ...nodes.map((n) => n.endpoint)].filter((e): e is string => e !== undefined);
  for (const dup of new Set(endpoints.filter((e, i) => endpoints.indexOf(e) !== i))) {
    problems.push(
      `endpoint '${dup}' is used by two nodes: buildx takes each endpoint once (for two nodes on one engine, make a second Docker context)`,
    );
  }
  if (driver === 'kubernetes' && endpoint)
    problems.push("the kubernetes driver takes no 'endpoint' (set namespace and the like in 'driver-opts')");

  const buildkitd: BuildkitdSettings = {
    insecureRegistries: read.list('insecure-registries', 'comma'),
    registryMirrors: read.list('registry-mirrors', 'comma'),
    maxParallelism: read.integer('max-parallelism'),
  };
  if (buildkitd.maxParallelism !== undefined && buildkitd.maxParallelism < 1)
    problems.push(`'max-parallelism' must be a whole number of at least 1`);
  const buildkitdConfigFile = read.text('buildkitd-config');
  const generated = buildkitd.insecureRegistries.length + buildkitd.registryMirrors.length > 0 || buildkitd.maxParallelism !== undefined;
  if (buildkitdConfigFile && generated) {
    problems.push(
      `'buildkitd-config' names your own buildkitd.toml: put insecure-registries, registry-mirrors and max-parallelism in it instead`,
    );
  }

  const driverOpts = readDriverOpts('builder', read.list('driver-opts', 'line'), problems);
  const network = read.text('network') ?? 'auto';
  if (network.trim() === '') problems.push("'network' is empty: use auto, host or a Docker network name");
  else if (network !== 'auto' && driver !== 'docker-container')
    problems.push(`'network' is for the docker-container driver (buildx's network driver option), not ${driver}`);
  else if (network !== 'auto' && driverOpts.network !== undefined && driverOpts.network !== network) {
    problems.push(`'network' is '${network}' but driver option network=${driverOpts.network}: keep one`);
  }
  const tls = readTls(read, driver, driverOpts, problems);
  if (driver === 'remote' && (generated || buildkitdConfigFile)) {
    problems.push(
      "the remote driver cannot take BuildKit settings (insecure-registries, registry-mirrors, max-parallelism, buildkitd-config): put them in that daemon's own buildkitd.toml",
    );
  }
  if (driver === 'docker') {
    // The docker driver is the engine's own BuildKit: it has no container, no nodes and no buildkitd.toml.
    const unusable = [
      Object.keys(driverOpts).length > 0 && "'driver-opts'",
      nodes.length > 0 && "'nodes'",
      (generated || buildkitdConfigFile) && "BuildKit settings (configure the engine's daemon.json instead)",
    ].filter(Boolean);
    if (unusable.length > 0) problems.push(`the docker driver cannot take ${unusable.join(', ')}: use driver 'docker-container' for them`);
  }
  if (driver === 'remote' && !endpoint)
    problems.push("the remote driver needs 'endpoint', the BuildKit address, e.g. tcp://buildkitd:1234");
  const installQemu = read.boolean('install-qemu');
  const qemuImage = read.text('qemu-image') ?? '';
  const recreate = read.boolean('recreate');

  if (problems.length > 0) {
    throw new CrossbakeError(`builder '${name}' has invalid setup options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return {
    name,
    driver,
    driverOpts,
    network,
    tls,
    endpoint,
    platforms,
    nodes,
    buildkitd,
    buildkitdConfigFile,
    installQemu,
    qemuImage,
    recreate,
  };
}

/** Platforms the first node must build: those no native node serves (pinned only when there are nodes). */
export const firstNodePlatforms = (spec: BuilderSpec) => {
  const native = new Set(spec.nodes.flatMap((n) => n.platforms));
  return spec.platforms.filter((p) => !native.has(p));
};
