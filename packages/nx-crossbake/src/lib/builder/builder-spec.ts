import schema from '../../executors/setup/schema.json';
import type { SetupExecutorSchema, SetupNodeSchema } from '../../executors/setup/schema';
import { CrossbakeError } from '../errors';
import { readOption, unknownOptionProblems } from '../options/schema-options';
import { checkPlatform } from '../options/validators';
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

const option = <K extends keyof SetupExecutorSchema>(raw: SetupExecutorSchema, name: K) =>
  readOption<NonNullable<SetupExecutorSchema[K]>>(schema, raw, name);

function checkDriverOpts(where: string, opts: unknown, problems: string[]): string[] {
  if (!Array.isArray(opts)) {
    problems.push(`${where}: 'driver-opts' must be a list of key=value strings`);
    return [];
  }
  for (const opt of opts) if (typeof opt !== 'string' || !/^[^=\s]+=/.test(opt)) problems.push(`${where}: driver option '${opt}' is not key=value`);
  return opts as string[];
}

function normalizeNode(node: SetupNodeSchema, index: number, problems: string[]): NodeSpec {
  const where = `nodes[${index}]${node?.name ? ` ('${node.name}')` : ''}`;
  if (!node || typeof node.name !== 'string' || !NAME.test(node.name)) problems.push(`${where}: 'name' must match ${NAME.source}`);
  if (!node || typeof node.endpoint !== 'string' || node.endpoint === '') problems.push(`${where}: 'endpoint' is required (a Docker context or endpoint)`);
  const platforms = Array.isArray(node?.platforms) ? node.platforms : [];
  if (platforms.length === 0) problems.push(`${where}: 'platforms' must list what the node builds natively, e.g. ["linux/arm64"]`);
  for (const p of platforms) {
    const problem = checkPlatform(p);
    if (problem) problems.push(`${where}: ${problem}`);
  }
  return { name: node?.name, endpoint: node?.endpoint, platforms, driverOpts: checkDriverOpts(where, node?.['driver-opts'] ?? [], problems) };
}

/**
 * Checks setup options wherever they come from (a docker-setup target, or read by multiarch from the
 * workspace, where Nx has not validated them) and applies the defaults of setup/schema.json.
 */
export function normalizeBuilderSpec(raw: SetupExecutorSchema, extraPlatforms: readonly string[] = []): BuilderSpec {
  const problems = unknownOptionProblems(schema, raw);
  const name = option(raw, 'builder');
  if (!NAME.test(name)) problems.push(`builder name '${name}' must match ${NAME.source}`);
  const driver = option(raw, 'driver');
  if (!DRIVERS.includes(driver)) problems.push(`driver '${driver}' is not one of ${DRIVERS.join(', ')}`);

  const platforms = [...new Set([...option(raw, 'platforms'), ...extraPlatforms])];
  for (const p of platforms) {
    const problem = checkPlatform(p);
    if (problem) problems.push(problem);
  }
  const nodes = option(raw, 'nodes').map((n, i) => normalizeNode(n, i, problems));
  const names = nodes.map((n) => n.name);
  for (const dup of names.filter((n, i) => names.indexOf(n) !== i)) problems.push(`node name '${dup}' is used twice`);

  const buildkitd: BuildkitdSettings = {
    insecureRegistries: option(raw, 'insecure-registries'),
    registryMirrors: option(raw, 'registry-mirrors'),
    maxParallelism: raw['max-parallelism'],
  };
  if (buildkitd.maxParallelism !== undefined && !(Number.isInteger(buildkitd.maxParallelism) && buildkitd.maxParallelism >= 1)) {
    problems.push(`'max-parallelism' must be a whole number of at least 1`);
  }
  const generated = buildkitd.insecureRegistries.length + buildkitd.registryMirrors.length > 0 || buildkitd.maxParallelism !== undefined;
  if (raw['buildkitd-config'] && generated) {
    problems.push(`'buildkitd-config' names your own buildkitd.toml: put insecure-registries, registry-mirrors and max-parallelism in it instead`);
  }

  const driverOpts = checkDriverOpts('builder', option(raw, 'driver-opts'), problems);
  if (driver === 'docker') {
    // The docker driver is the engine's own BuildKit: it has no container, no nodes and no buildkitd.toml.
    const unusable = [
      driverOpts.length > 0 && "'driver-opts'",
      nodes.length > 0 && "'nodes'",
      (generated || raw['buildkitd-config']) && 'BuildKit settings (configure the engine\'s daemon.json instead)',
    ].filter(Boolean);
    if (unusable.length > 0) problems.push(`the docker driver cannot take ${unusable.join(', ')}: use driver 'docker-container' for them`);
  }
  if (driver === 'remote' && !raw.endpoint) problems.push("the remote driver needs 'endpoint', the BuildKit address, e.g. tcp://buildkitd:1234");

  if (problems.length > 0) {
    throw new CrossbakeError(`builder '${name}' has invalid setup options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return {
    name,
    driver,
    driverOpts,
    endpoint: raw.endpoint,
    platforms,
    nodes,
    buildkitd,
    buildkitdConfigFile: raw['buildkitd-config'],
    installQemu: option(raw, 'install-qemu'),
    qemuImage: option(raw, 'qemu-image'),
    recreate: option(raw, 'recreate'),
  };
}

/** Platforms the first node must build: those no native node serves (pinned only when there are nodes). */
export const firstNodePlatforms = (spec: BuilderSpec) => {
  const native = new Set(spec.nodes.flatMap((n) => n.platforms));
  return spec.platforms.filter((p) => !native.has(p));
};
