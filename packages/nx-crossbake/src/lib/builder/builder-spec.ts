import schema from '../../executors/setup/schema.json';
import type { SetupExecutorSchema, SetupNodeSchema } from '../../executors/setup/schema';
import { CrossbakeError } from '../errors';
import { toStringList, toText } from '../options/coerce';
import { normalizePlatforms } from '../options/platforms';
import { optionReader, unknownOptionProblems } from '../options/schema-options';
import type { BuildkitdSettings } from './buildkitd-config';

export type Driver = NonNullable<SetupExecutorSchema['driver']>;

export interface NodeSpec {
  name: string;
  endpoint: string;
  platforms: string[];
  driverOpts: string[];
}

/** The builder asked for, every default applied and every value checked. */
export interface BuilderSpec {
  name: string;
  driver: Driver;
  driverOpts: string[];
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

function checkDriverOpts(where: string, opts: string[], problems: string[]): string[] {
  for (const opt of opts) if (!/^[^=\s]+=/.test(opt)) problems.push(`${where}: driver option '${opt}' is not key=value`);
  return opts;
}

function normalizeNode(node: Record<string, unknown>, index: number, problems: string[]): NodeSpec {
  const where = `nodes[${index}]${typeof node.name === 'string' ? ` ('${node.name}')` : ''}`;
  const found: string[] = [];
  const name = toText('name', node.name, found);
  const endpoint = toText('endpoint', node.endpoint, found);
  const requested = toStringList('platforms', node.platforms, 'comma', found) ?? [];
  const driverOpts = toStringList('driver-opts', node['driver-opts'], 'line', found) ?? [];
  for (const key of Object.keys(node)) if (!(NODE_KEYS as string[]).includes(key)) found.push(`unknown option '${key}' (a node takes ${NODE_KEYS.join(', ')})`);
  if (name === undefined || !NAME.test(name)) found.push(`'name' must match ${NAME.source}`);
  if (!endpoint) found.push(`'endpoint' is required (a Docker context or endpoint)`);
  if (requested.length === 0) found.push(`'platforms' must list what the node builds natively, e.g. ["linux/arm64"]`);
  const platforms = normalizePlatforms(requested, found);
  problems.push(...found.map((f) => `${where}: ${f}`));
  return { name: name ?? '', endpoint: endpoint ?? '', platforms, driverOpts: checkDriverOpts(where, driverOpts, problems) };
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
  const endpoint = read.text('endpoint');

  const platforms = [...new Set([...normalizePlatforms(read.list('platforms', 'comma'), problems), ...extraPlatforms])];
  const nodes = read.objects('nodes').map((n, i) => normalizeNode(n, i, problems));
  const names = nodes.map((n) => n.name);
  for (const dup of names.filter((n, i) => names.indexOf(n) !== i)) problems.push(`node name '${dup}' is used twice`);

  const buildkitd: BuildkitdSettings = {
    insecureRegistries: read.list('insecure-registries', 'comma'),
    registryMirrors: read.list('registry-mirrors', 'comma'),
    maxParallelism: read.integer('max-parallelism'),
  };
  if (buildkitd.maxParallelism !== undefined && buildkitd.maxParallelism < 1) problems.push(`'max-parallelism' must be a whole number of at least 1`);
  const buildkitdConfigFile = read.text('buildkitd-config');
  const generated = buildkitd.insecureRegistries.length + buildkitd.registryMirrors.length > 0 || buildkitd.maxParallelism !== undefined;
  if (buildkitdConfigFile && generated) {
    problems.push(`'buildkitd-config' names your own buildkitd.toml: put insecure-registries, registry-mirrors and max-parallelism in it instead`);
  }

  const driverOpts = checkDriverOpts('builder', read.list('driver-opts', 'line'), problems);
  if (driver === 'docker') {
    // The docker driver is the engine's own BuildKit: it has no container, no nodes and no buildkitd.toml.
    const unusable = [
      driverOpts.length > 0 && "'driver-opts'",
      nodes.length > 0 && "'nodes'",
      (generated || buildkitdConfigFile) && 'BuildKit settings (configure the engine\'s daemon.json instead)',
    ].filter(Boolean);
    if (unusable.length > 0) problems.push(`the docker driver cannot take ${unusable.join(', ')}: use driver 'docker-container' for them`);
  }
  if (driver === 'remote' && !endpoint) problems.push("the remote driver needs 'endpoint', the BuildKit address, e.g. tcp://buildkitd:1234");
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
