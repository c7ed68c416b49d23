/**
 * Which registries the workspace's images touch on a builder, and which of those sit on this machine's
 * loopback. Read from the whole workspace (every multiarch target naming the builder, each configuration
 * too), never from one run's projects: choices made from it (host networking, insecure registries) must
 * not flip between runs, or every run would find the builder drifted.
 */
import { BlockList, isIP } from 'node:net';
import multiarchSchema from '../options/schemas/multiarch.json';
import { MULTIARCH_EXECUTOR } from '../core/executor-names';
import { registriesUsedBy } from '../docker/registries';
import { readWorkspaceImages, type ProjectTargets } from '../graph/workspace-images';
import { toBoolean, toKeyValueList, toObjectList, toStringList, toText } from '../options/coerce';
import { parseKeyValues } from '../options/validators';

/** A registry (host[:port], as docker names it) and the tasks whose images use it. */
export interface RegistryUsers {
  registry: string;
  tasks: string[];
}

/** Nx's project configurations as far as this reads them: targets with options and configurations. */
export interface WorkspaceProjects {
  [project: string]: ProjectTargets & {
    targets?: Readonly<
      Record<string, { executor?: string; options?: unknown; configurations?: Readonly<Record<string, unknown>> } | undefined>
    >;
  };
}

const DEFAULT_BUILDER = multiarchSchema.properties.builder.default;

const asObject = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/**
 * The registries one target's options touch, with its Dockerfile's references. Read tolerantly: a value of
 * the wrong type is the executor's to report, and counts here as nothing. Tags count when they are pushed
 * or are where the registry cache goes (`cache: registry`); a push that cannot be read counts as a push.
 */
function registriesOf(options: Record<string, unknown>, dockerfileRefs: readonly string[]): string[] {
  const ignored: string[] = [];
  const list = (name: string) => toStringList(name, options[name], 'line', ignored) ?? [];
  const push = options.push === undefined ? false : (toBoolean('push', options.push, ignored) ?? true);
  const cache = toText('cache', options.cache, ignored) ?? multiarchSchema.properties.cache.default;
  const contexts = parseKeyValues('build-contexts', toKeyValueList('build-contexts', options['build-contexts'], ignored) ?? [], ignored);
  return registriesUsedBy({
    tags: toStringList('tags', options.tags, 'comma', ignored) ?? [],
    push: push || cache === 'registry',
    cacheFrom: list('cache-from'),
    cacheTo: list('cache-to'),
    outputs: list('outputs'),
    dockerfileRefs,
    buildContexts: contexts,
    registries: (toObjectList('registries', options.registries, ignored) ?? []).flatMap((r) =>
      typeof r.url === 'string' ? [{ url: r.url, username: '', passwordEnv: '' }] : [],
    ),
  });
}

/**
 * Every registry the multiarch targets building on `builder` use, sorted, with the tasks (`project:target`)
 * using each. A configuration counts as its target: it may push elsewhere. `readFile` reads a
 * workspace-relative path (the Dockerfiles); a target that cannot be read contributes what its options show.
 */
export function registriesOfBuilder(
  projects: Readonly<WorkspaceProjects>,
  readFile: (path: string) => string,
  builder: string,
): RegistryUsers[] {
  // Each configuration becomes a target of its own, so the graph's reader gives its Dockerfile references.
  const variants: WorkspaceProjects = {};
  const taskOf = new Map<string, string>();
  for (const [name, project] of Object.entries(projects)) {
    const targets: Record<string, { executor: string; options: Record<string, unknown> }> = {};
    for (const [target, config] of Object.entries(project?.targets ?? {})) {
      if (config?.executor !== MULTIARCH_EXECUTOR) continue;
      const base = asObject(config.options);
      const configurations = Object.entries(asObject(config.configurations)).map(
        ([c, o]) => [`${target}:${c}`, { ...base, ...asObject(o) }] as const,
      );
      for (const [variant, options] of [[target, base] as const, ...configurations]) {
        if ((toText('builder', options.builder, []) ?? DEFAULT_BUILDER) !== builder) continue;
        targets[variant] = { executor: MULTIARCH_EXECUTOR, options };
        taskOf.set(`${name}\0${variant}`, `${name}:${target}`);
      }
    }
    if (Object.keys(targets).length > 0) variants[name] = { root: project.root, targets };
  }
  const { images } = readWorkspaceImages(variants, readFile);
  const refsOf = new Map(images.map((i) => [`${i.name}\0${i.target}`, i.dockerfileRefs]));

  const users = new Map<string, Set<string>>();
  for (const [name, project] of Object.entries(variants)) {
    for (const [variant, config] of Object.entries(project.targets ?? {})) {
      const key = `${name}\0${variant}`;
      for (const registry of registriesOf(asObject(config?.options), refsOf.get(key) ?? [])) {
        users.set(registry, (users.get(registry) ?? new Set()).add(taskOf.get(key)!));
      }
    }
  }
  return [...users].map(([registry, tasks]) => ({ registry, tasks: [...tasks].sort() })).sort((a, b) => (a.registry < b.registry ? -1 : 1));
}

/** `127.0.0.1:5000` → `127.0.0.1`, `[::1]:5000` → `::1`, `localhost` → `localhost`. */
export function hostOfRegistry(registry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(registry);
  if (bracketed) return bracketed[1];
  return registry.replace(/:\d+$/, '').toLowerCase();
}

/**
 * The addresses a registry host stands for, as far as we can tell without DNS: an IP literal is itself,
 * `localhost` is the loopback (as every resolver answers); other names are not looked up.
 */
function addressesOf(host: string): { address: string; family: 'ipv4' | 'ipv6' }[] {
  if (host === 'localhost')
    return [
      { address: '127.0.0.1', family: 'ipv4' },
      { address: '::1', family: 'ipv6' },
    ];
  const version = isIP(host);
  return version === 0 ? [] : [{ address: host, family: version === 4 ? 'ipv4' : 'ipv6' }];
}

/** Whether a registry (host[:port]) is on this machine's loopback: 127.0.0.0/8, ::1 or localhost. */
export const isLoopbackRegistry = (registry: string): boolean => inRanges(registry, ['127.0.0.0/8', '::1/128']);

/** Whether a registry's address falls in one of the ranges (`127.0.0.0/8`, `::1/128`), as dockerd matches its insecure CIDRs. */
export function inRanges(registry: string, cidrs: readonly string[]): boolean {
  const ranges = new BlockList();
  for (const cidr of cidrs) {
    const [network, bits] = cidr.split('/');
    const family = isIP(network);
    if (family === 0 || !/^\d+$/.test(bits ?? '')) continue;
    ranges.addSubnet(network, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
  }
  return addressesOf(hostOfRegistry(registry)).some(({ address, family }) => ranges.check(address, family));
}
