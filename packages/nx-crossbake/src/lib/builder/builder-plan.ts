/**
 * The builder to create, as buildx will hold it: each node's final driver options (network, TLS files made
 * absolute) and the buildkitd config, from the setup options, what the workspace's images use and what the
 * engine knows. Pure: the same inputs give the same plan in `docker-setup` and in every `multiarch` run, so
 * the builder one creates is the builder the other expects (drift.ts compares them).
 */
import { isAbsolute, join } from 'node:path';
import type { EngineRegistryConfig } from '../docker/parse';
import type { BuilderSpec } from './builder-spec';
import { renderBuildkitdConfig, type BuildkitdSettings } from './buildkitd-config';
import { inRanges, isLoopbackRegistry, type RegistryUsers } from './workspace-registries';

interface PlanInputs {
  workspaceRoot: string;
  /** Registries the workspace's multiarch targets on this builder use (registriesOfBuilder). */
  registries: readonly RegistryUsers[];
  /** The engine's registry settings: given for a docker-container builder on the local engine only. */
  engine?: EngineRegistryConfig;
}

export interface NodePlan {
  name: string;
  endpoint?: string;
  platforms: string[];
  driverOpts: Record<string, string>;
}

export interface BuilderPlan {
  /** The first node's driver options. */
  driverOpts: Record<string, string>;
  nodes: NodePlan[];
  /** The buildkitd.toml every node gets: ours (`text`, written to a file at create time) or the user's (`file`). */
  buildkitdConfig?: { text: string; file?: undefined } | { file: string; text?: undefined };
  /** Why host networking was chosen for the options' `network: auto`: said when the builder is created. */
  hostNetworkReason?: string;
}

/** A daemon.json mirror (`https://mirror.gcr.io/`) as buildkitd names one (`mirror.gcr.io`; a path is kept). */
function mirrorName(mirror: string): { name: string; plainHttp: boolean } {
  const scheme = /^([a-z]+):\/\//i.exec(mirror);
  return { name: mirror.slice(scheme ? scheme[0].length : 0).replace(/\/+$/, ''), plainHttp: scheme?.[1].toLowerCase() === 'http' };
}

const hostOfMirror = (name: string) => name.split('/')[0];

/**
 * The BuildKit settings of the options, with what the engine's daemon.json adds: its mirrors, its insecure
 * registries, and the registries the workspace uses that fall in its insecure ranges. buildkitd has no
 * ranges (`127.0.0.0/8` is not a registry key), so those become one `host:port` entry per registry used.
 */
export function mergeEngineSettings(
  own: BuildkitdSettings,
  engine: EngineRegistryConfig | undefined,
  registries: readonly RegistryUsers[],
): BuildkitdSettings {
  if (!engine) return own;
  const mirrors = engine.mirrors.map(mirrorName);
  const insecure = [
    ...engine.insecureRegistries.filter((r) => r !== 'docker.io'),
    ...mirrors.filter((m) => m.plainHttp || inRanges(hostOfMirror(m.name), engine.insecureCidrs)).map((m) => hostOfMirror(m.name)),
    ...registries.map((r) => r.registry).filter((r) => inRanges(r, engine.insecureCidrs)),
  ];
  return {
    ...own,
    registryMirrors: [...new Set([...own.registryMirrors, ...mirrors.map((m) => m.name)])],
    insecureRegistries: [...new Set([...own.insecureRegistries, ...insecure.sort()])],
  };
}

const listed = (users: readonly { registry: string; tasks: string[] }[]) =>
  users
    .map(
      (u) =>
        `${u.registry} (${u.tasks.length > 3 ? `${u.tasks.slice(0, 3).join(', ')} and ${u.tasks.length - 3} more` : u.tasks.join(', ')})`,
    )
    .join(', ');

/**
 * Host networking for `network: auto`: when a registry BuildKit must reach is on this machine's loopback,
 * which a container on the default network cannot reach (its 127.0.0.1 is its own).
 */
function hostNetworkReason(spec: BuilderSpec, settings: BuildkitdSettings, registries: readonly RegistryUsers[]): string | undefined {
  // The engine's own insecure registries say nothing of what the workspace uses; mirrors are always used.
  const configured = [...spec.buildkitd.insecureRegistries, ...settings.registryMirrors.map(hostOfMirror)]
    .filter(isLoopbackRegistry)
    .map((registry) => ({ registry, tasks: ["the builder's registry settings"] }));
  const used = [
    ...registries.filter((r) => isLoopbackRegistry(r.registry)),
    ...configured.filter((c) => !registries.some((r) => r.registry === c.registry)),
  ];
  if (used.length === 0) return undefined;
  return (
    `builder '${spec.name}' gets host networking (network=host): ${listed(used)} ${used.length > 1 ? 'are' : 'is'} on this machine's loopback, ` +
    `which BuildKit in a container on the default network cannot reach. Every RUN step of every project then shares the host's network; ` +
    `set 'network' in the setup target to choose otherwise`
  );
}

const TLS_FILES = ['cacert', 'cert', 'key'] as const;

/** buildx's remote driver wants absolute TLS paths; ours are from the workspace root. */
function absoluteTls(opts: Record<string, string>, workspaceRoot: string): Record<string, string> {
  const result = { ...opts };
  for (const key of TLS_FILES) if (result[key] !== undefined && !isAbsolute(result[key])) result[key] = join(workspaceRoot, result[key]);
  return result;
}

export function planBuilder(spec: BuilderSpec, inputs: PlanInputs): BuilderPlan {
  const { workspaceRoot, registries } = inputs;
  const plan: BuilderPlan = {
    driverOpts: { ...spec.driverOpts },
    nodes: spec.nodes.map((n) => ({ ...n, driverOpts: { ...n.driverOpts } })),
  };
  if (spec.driver === 'docker') return plan;

  const settings =
    spec.driver === 'docker-container' && !spec.endpoint ? mergeEngineSettings(spec.buildkitd, inputs.engine, registries) : spec.buildkitd;
  if (spec.buildkitdConfigFile) plan.buildkitdConfig = { file: join(workspaceRoot, spec.buildkitdConfigFile) };
  else if (spec.driver !== 'remote') {
    const text = renderBuildkitdConfig(settings);
    if (text) plan.buildkitdConfig = { text };
  }

  if (spec.driver === 'docker-container') {
    let network = spec.driverOpts.network ?? (spec.network === 'auto' ? undefined : spec.network);
    if (network === undefined) {
      plan.hostNetworkReason = hostNetworkReason(spec, settings, registries);
      if (plan.hostNetworkReason) network = 'host';
    }
    // Every node: the registries must be reachable wherever bake sends a platform.
    if (network !== undefined) {
      plan.driverOpts.network = network;
      for (const node of plan.nodes) node.driverOpts.network ??= network;
    }
  }

  if (spec.driver === 'remote') {
    plan.driverOpts = absoluteTls({ ...plan.driverOpts, ...spec.tls }, workspaceRoot);
    // Nodes share the builder's CA and client identity; each daemon's name is its own endpoint's host.
    const shared = Object.fromEntries(TLS_FILES.flatMap((key) => (spec.tls[key] ? [[key, spec.tls[key]]] : [])));
    plan.nodes = plan.nodes.map((n) => ({ ...n, driverOpts: absoluteTls({ ...shared, ...n.driverOpts }, workspaceRoot) }));
  }
  return plan;
}
