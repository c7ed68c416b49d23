import { posix } from 'node:path';
import type { BakeDefinition, BakeTarget } from '../docker/bake-file';
import { repositoryOf } from '../options/image-names';
import { KEY_ANNOTATION } from '../reuse/content-key';
import type { ServiceOptions } from '../options/service-options';

/**
 * A JSON bake file is still interpolated by buildx (`${VAR}`, `%{ directive }`), so literal sequences in
 * user values are escaped to reach the build unchanged.
 */
export const escapeBakeValue = (value: string) => value.replace(/\$\{|%\{/g, (m) => m[0] + m);

const escapeAll = (values: string[]) => values.map(escapeBakeValue);
const escapeRecord = (record: Record<string, string>) =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, escapeBakeValue(v)]));

/** What the builder can do that changes the bake file (a runtime fact, passed in). */
interface BuilderTraits {
  /** The docker driver cannot push by digest: it pushes under a per-platform staging tag instead. */
  dockerDriver: boolean;
}

/** The exporters: push a manifest list, load into the engine, and/or the user's own outputs. */
export function getOutputs(options: ServiceOptions, traits: BuilderTraits = { dockerDriver: false }): string[] {
  // `type=cacheonly` means "export nothing": inferred targets use it until a registry is set, and it stays
  // merged under a project.json target that pushes or loads, where it would only add an empty exporter.
  const exports = options.push || options.load || options.outputs.some((o) => !/^type=cacheonly\b/.test(o));
  const outputs = exports ? options.outputs.filter((o) => !/^type=cacheonly\b/.test(o)) : [...options.outputs];
  const ours: string[] = [];
  if (options.push && options.pushByDigest !== undefined) {
    // For nx-crossbake:manifest, which tags the joined list later: untagged, by digest, to the first
    // tag's repository; the docker driver can only push a tag, so a fixed staging tag per platform set.
    const repository = repositoryOf(options.tags[0]);
    ours.push(
      traits.dockerDriver
        ? `type=image,name=${repository}:by-digest-${options.platforms.join('-').replace(/[^a-z0-9]+/g, '-')},push=true`
        : `type=image,name=${repository},push-by-digest=true,name-canonical=true,push=true`,
    );
  } else if (options.push) ours.push('type=image,push=true');
  if (options.load) ours.push('type=docker');
  // Every layer's files get the source date too, so the same inputs give the same digests; the docker
  // driver's exporter refuses it ("conflicts with unpack"), so its images keep their build times.
  const rewrite = options.sourceDateEpoch !== undefined && !traits.dockerDriver;
  return [...outputs, ...ours.map((o) => (rewrite ? `${o},rewrite-timestamp=true` : o))];
}

/**
 * `contexts` maps image references to a named context value: `target:<name>` of a sibling built in this bake,
 * or `docker-image://<repo>@<digest>` of a sibling reused from the registry.
 */
export function getBakeTarget(options: ServiceOptions, contexts: Record<string, string> = {}, traits?: BuilderTraits): BakeTarget {
  const target: BakeTarget = {
    context: options.context,
    dockerfile: posix.relative(options.context, options.file),
    platforms: options.platforms,
  };
  // A task that may be reused pushes only its key tag; the run points the requested tags at what is there after.
  if (options.contentKey) target.tags = escapeAll([options.contentKey.tag]);
  else if (options.tags.length && options.pushByDigest === undefined) target.tags = escapeAll(options.tags);
  // buildx's own switch for its checks; a build arg the user set wins. Not in options.buildArgs: the content key
  // leaves it out, as it changes no image.
  const args = options.check === 'off' ? { BUILDKIT_DOCKERFILE_CHECK: 'skip=all', ...options.buildArgs } : options.buildArgs;
  if (Object.keys(args).length) target.args = escapeRecord(args);
  if (Object.keys(options.labels).length) target.labels = escapeRecord(options.labels);
  if (options.contentKey) target.annotations = [`index:${KEY_ANNOTATION}=${options.contentKey.key}`];
  if (options.target) target.target = escapeBakeValue(options.target);
  // Siblings linked by image, then the user's own named contexts, which win.
  const named = { ...contexts, ...options.buildContexts };
  if (Object.keys(named).length) target.contexts = escapeRecord(named);
  if (options.secrets.length) target.secret = escapeAll(options.secrets);
  if (options.ssh.length) target.ssh = escapeAll(options.ssh);
  if (options.attest.length) target.attest = options.attest;
  if (options.cacheFrom.length) target['cache-from'] = escapeAll(options.cacheFrom);
  if (options.cacheTo.length) target['cache-to'] = escapeAll(options.cacheTo);
  if (options.pull) target.pull = true;
  if (options.noCache) target['no-cache'] = true;
  target.output = escapeAll(getOutputs(options, traits));
  return target;
}

/**
 * One bake file for every service: one target each, all in the default group. `targetNames` and `links`
 * are keyed by task id; links (task → image → sibling task, see linkSiblingImages) become named contexts
 * pointing at the siblings' targets, or at the image of a sibling reused from the registry (`reused`: task →
 * `<repo>@<digest>`).
 */
export function getBakeDefinition(
  services: readonly ServiceOptions[],
  targetNames: Map<string, string>,
  links: ReadonlyMap<string, Record<string, string>> = new Map(),
  traits?: BuilderTraits,
  reused: ReadonlyMap<string, string> = new Map(),
): BakeDefinition {
  const target: Record<string, BakeTarget> = {};
  for (const service of services) {
    // A sibling outside this bake and not reused (built by an earlier one) is pulled as published instead.
    const contexts = Object.fromEntries(
      Object.entries(links.get(service.id) ?? {}).flatMap(([ref, task]): [string, string][] => {
        if (targetNames.has(task)) return [[ref, `target:${targetNames.get(task)!}`]];
        return reused.has(task) ? [[ref, `docker-image://${reused.get(task)!}`]] : [];
      }),
    );
    target[targetNames.get(service.id)!] = getBakeTarget(service, contexts, traits);
  }
  return { group: { default: { targets: Object.keys(target) } }, target };
}
