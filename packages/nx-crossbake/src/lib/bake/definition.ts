import { posix } from 'node:path';
import type { BakeDefinition, BakeTarget } from '../../types/bake';
import type { ServiceOptions } from '../options/service-options';

/**
 * A JSON bake file is still interpolated by buildx (`${VAR}`, `%{ directive }`), so literal sequences in
 * user values are escaped to reach the build unchanged.
 */
export const escapeBakeValue = (value: string) => value.replace(/\$\{|%\{/g, (m) => m[0] + m);

const escapeAll = (values: string[]) => values.map(escapeBakeValue);
const escapeRecord = (record: Record<string, string>) =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, escapeBakeValue(v)]));

/** The exporters: push a manifest list, load into the engine, and/or the user's own outputs. */
export function getOutputs(options: ServiceOptions): string[] {
  const outputs = [...options.outputs];
  if (options.push) outputs.push('type=image,push=true');
  if (options.load) outputs.push('type=docker');
  return outputs;
}

/** `contexts` maps image references to the bake target names of the siblings that build them. */
export function getBakeTarget(options: ServiceOptions, contexts: Record<string, string> = {}): BakeTarget {
  const target: BakeTarget = {
    context: options.context,
    dockerfile: posix.relative(options.context, options.file),
    platforms: options.platforms,
  };
  if (options.tags.length) target.tags = escapeAll(options.tags);
  if (Object.keys(options.buildArgs).length) target.args = escapeRecord(options.buildArgs);
  if (Object.keys(options.labels).length) target.labels = escapeRecord(options.labels);
  if (options.target) target.target = escapeBakeValue(options.target);
  // Siblings linked by image, then the user's own named contexts, which win.
  const named = { ...Object.fromEntries(Object.entries(contexts).map(([ref, name]) => [ref, `target:${name}`])), ...options.buildContexts };
  if (Object.keys(named).length) target.contexts = escapeRecord(named);
  if (options.secrets.length) target.secret = escapeAll(options.secrets);
  if (options.ssh.length) target.ssh = escapeAll(options.ssh);
  if (options.attest.length) target.attest = options.attest;
  if (options.cacheFrom.length) target['cache-from'] = escapeAll(options.cacheFrom);
  if (options.cacheTo.length) target['cache-to'] = escapeAll(options.cacheTo);
  if (options.pull) target.pull = true;
  if (options.noCache) target['no-cache'] = true;
  target.output = escapeAll(getOutputs(options));
  return target;
}

/**
 * One bake file for every service: one target each, all in the default group. `links` (project → image →
 * sibling project, see linkSiblingImages) become named contexts pointing at the siblings' targets.
 */
export function getBakeDefinition(
  services: readonly ServiceOptions[],
  targetNames: Map<string, string>,
  links: Map<string, Record<string, string>> = new Map(),
): BakeDefinition {
  const target: Record<string, BakeTarget> = {};
  for (const service of services) {
    const contexts = Object.fromEntries(Object.entries(links.get(service.project) ?? {}).map(([ref, p]) => [ref, targetNames.get(p)!]));
    target[targetNames.get(service.project)!] = getBakeTarget(service, contexts);
  }
  return { group: { default: { targets: Object.keys(target) } }, target };
}
