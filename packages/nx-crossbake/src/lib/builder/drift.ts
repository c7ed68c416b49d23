/**
 * Drift that matters: where an existing builder differs from the one the options plan, in what changes
 * how or where things build. Driver, each node's driver options and endpoint, the node set, which node
 * each platform is pinned to, and the buildkitd config. What buildx or BuildKit decide themselves (the
 * platforms a node detects, its status, its daemon flags) is not drift.
 */
import type { BuilderPlan, NodePlan } from './builder-plan';
import type { BuilderSpec } from './builder-spec';
import { buildkitdConfigDifferences } from './buildkitd-config';
import { normalized, type BuilderInfo, type BuilderNode } from '../docker/builder-inspect';

const shown = (value: string | undefined) => (value === undefined ? 'unset' : JSON.stringify(value));

/** Per driver option that differs: `driver option network is "host", the options make it unset`. */
function optionDrift(node: string, wanted: Readonly<Record<string, string>>, held: Readonly<Record<string, string>>): string[] {
  const keys = [...new Set([...Object.keys(wanted), ...Object.keys(held)])].sort();
  return keys
    .filter((k) => wanted[k] !== held[k])
    .map((k) => `node '${node}': driver option ${k} is ${shown(held[k])}, the options make it ${shown(wanted[k])}`);
}

/** The builder's first node: the one none of the options' nodes names (buildx calls it `<name>0`). */
const firstNode = (spec: BuilderSpec, info: BuilderInfo) => info.nodes.find((n) => !spec.nodes.some((s) => s.name === n.name));

function configDrift(node: BuilderNode, plan: BuilderPlan, config: string | undefined): string[] {
  // Without a config of ours, whatever the node holds (buildx's own buildkitd.default.toml) is left alone.
  if (config === undefined) return [];
  const held = node.files['buildkitd.toml'];
  if (held === undefined)
    return [`node '${node.name}' has no buildkitd config; the options make one (${plan.buildkitdConfig?.file ?? 'generated'})`];
  const differences = buildkitdConfigDifferences(config, held);
  return differences.length === 0 ? [] : [`node '${node.name}': its buildkitd config differs: ${differences.join('; ')}`];
}

/**
 * The differences, a phrase each; empty when the builder is what the options plan. `config` is the text of
 * the planned buildkitd.toml (ours, or the user's file as read now); undefined when there is none.
 */
export function builderDrift(spec: BuilderSpec, plan: BuilderPlan, info: BuilderInfo, config?: string): string[] {
  if (info.driver !== spec.driver) return [`its driver is '${info.driver}', the options ask for '${spec.driver}'`];
  // The docker driver's builder is a context on the engine: nothing of it is ours to compare.
  if (spec.driver === 'docker') return [];
  const drift: string[] = [];
  const first = firstNode(spec, info);
  const wantedNodes: (NodePlan & { held?: BuilderNode })[] = [
    ...(first ? [{ name: first.name, endpoint: spec.endpoint, platforms: [], driverOpts: plan.driverOpts, held: first }] : []),
    ...plan.nodes.map((n) => ({ ...n, held: info.nodes.find((h) => h.name === n.name) })),
  ];
  for (const node of wantedNodes) {
    if (!node.held) {
      drift.push(`node '${node.name}' (${node.platforms.join(', ')}) is missing`);
      continue;
    }
    // The first node's endpoint, when unset, is whatever the current Docker context was at create time; buildx
    // stores the `default` context as its host.
    if (node.endpoint !== undefined && node.endpoint !== 'default' && node.held.endpoint !== node.endpoint) {
      drift.push(`node '${node.name}' is at ${node.held.endpoint ?? 'no endpoint'}, the options say ${node.endpoint}`);
    }
    drift.push(...optionDrift(node.name, node.driverOpts, node.held.driverOpts));
    drift.push(...configDrift(node.held, plan, config));
  }
  for (const extra of info.nodes.filter((n) => n !== first && !plan.nodes.some((p) => p.name === n.name))) {
    drift.push(`node '${extra.name}' is not in the options`);
  }
  drift.push(...pinningDrift(spec, info, first?.name));
  return drift;
}

/**
 * Where each platform of the options is sent. A platform a node of the options serves must be pinned to
 * that node; one pinned elsewhere would be built there. A platform left to the first node needs no pin (a
 * project's platform added at run time is never pinned), but must not be pinned to another node.
 */
function pinningDrift(spec: BuilderSpec, info: BuilderInfo, firstName: string | undefined): string[] {
  const drift: string[] = [];
  for (const platform of spec.platforms) {
    const wanted = spec.nodes.find((n) => n.platforms.some((p) => normalized(p) === normalized(platform)))?.name ?? firstName;
    const pinnedOn = info.nodes.find((n) => n.pinned.some((p) => normalized(p) === normalized(platform)));
    if (pinnedOn && pinnedOn.name !== wanted)
      drift.push(
        `${platform} is pinned to node '${pinnedOn.name}', the options give it to ${wanted ? `node '${wanted}'` : 'the first node'}`,
      );
    else if (!pinnedOn && wanted !== firstName && info.nodes.some((n) => n.name === wanted))
      drift.push(`node '${wanted}' is not pinned to ${platform}, which the options give it`);
  }
  return drift;
}
