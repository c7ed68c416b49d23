import { imageRepository } from './image-ref';
import { parseCsv } from '../core/csv';

/**
 * Which registry a reference, a login or a task talks to, named as docker names it, so a failed or
 * conflicting login can be pinned on exactly the tasks that use that registry. Hosts are compared in
 * lower case (DNS names are case-insensitive) and every spelling of Docker Hub is `docker.io`.
 */

const DOCKER_HUB = 'docker.io';
/** The key docker (CLI, buildx, BuildKit's auth provider) stores and reads Docker Hub credentials under. */
const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';
// docker.io and index.docker.io are distribution/reference's names for Hub; registry-1.docker.io is the
// API host that BuildKit's auth provider maps back to Hub's key.
const HUB_HOSTS = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);

const canonicalHost = (host: string) => (HUB_HOSTS.has(host.toLowerCase()) ? DOCKER_HUB : host.toLowerCase());

/** The registry of an image reference (`busybox` and `acme/api` are on Docker Hub), as the graph reads references. */
export const registryOfImage = (ref: string): string => canonicalHost(imageRepository(ref).split('/')[0]);

/**
 * The host part of a login address, as docker/cli's ConvertToHostname reads it: a scheme and a path are
 * dropped (`https://r.example.com/v2/` → `r.example.com`), a port is kept, the case is kept.
 */
function hostOfAddress(address: string): string {
  const scheme = address.indexOf('://');
  const rest = scheme < 0 ? address : address.slice(scheme + 3);
  const host = rest.split('/')[0];
  return scheme < 0 ? host : host.slice(host.lastIndexOf('@') + 1);
}

const isHubAddress = (address: string) =>
  address.trim() === '' || address === DOCKER_HUB_AUTH_KEY || HUB_HOSTS.has(hostOfAddress(address).toLowerCase());

/** The registry a `registries[].url` logs in to, comparable with registryOfImage. */
export const registryOfLogin = (url: string): string => (isHubAddress(url) ? DOCKER_HUB : canonicalHost(hostOfAddress(url)));

/**
 * The address we pass to `docker login`. Docker stores `docker login index.docker.io` under
 * `index.docker.io`, a key no pull ever reads (pulls read https://index.docker.io/v1/), so every Hub
 * spelling logs in as Hub's own index address; any other address is passed on as written.
 */
export const loginAddress = (url: string): string => (isHubAddress(url) ? DOCKER_HUB_AUTH_KEY : url);

/**
 * The config.json keys docker's credential lookup uses for a login: what `docker login` stores under
 * (the host as written) and what a push or pull reads (the same host; Hub's v1 key).
 */
export function credentialKeysOfLogin(url: string): string[] {
  if (isHubAddress(url)) return [DOCKER_HUB_AUTH_KEY];
  const host = hostOfAddress(url);
  return [...new Set([host, host.toLowerCase()])];
}

/** A task's options as far as registries go (ServiceOptions, plus the images its Dockerfile names). */
export interface RegistryUse {
  tags: readonly string[];
  /** Tags are pushed (undefined counts as pushed: a guess that errs towards rejecting). */
  push?: boolean;
  cacheFrom: readonly string[];
  cacheTo: readonly string[];
  outputs?: readonly string[];
  /** The images the Dockerfile builds FROM or copies from. */
  dockerfileRefs: readonly string[];
  buildContexts?: Readonly<Record<string, string>>;
  /** The logins the task asks for: it said it needs them, whatever its references show. */
  registries?: readonly RegistryLogin[];
}

/** A buildx CSV spec's fields; undefined when malformed. */
const csvFields = (spec: string): string[] | undefined => parseCsv(spec).fields;

/** `type=…` and the other attributes of a CSV spec (keys lower-cased, as buildx does). */
function attributes(spec: string): Record<string, string> | undefined {
  const fields = csvFields(spec);
  if (!fields) return undefined;
  return Object.fromEntries(
    fields.map((f) => [
      f
        .slice(0, f.indexOf('=') < 0 ? f.length : f.indexOf('='))
        .trim()
        .toLowerCase(),
      f.slice(f.indexOf('=') + 1),
    ]),
  );
}

// strconv.ParseBool's true, as BuildKit's image exporter reads `push`.
const isTrue = (value: string | undefined) => value !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value);

/** Registry cache refs, as buildx's ParseCacheEntry reads them: `type=registry,ref=…`, or bare refs. */
function cacheRefs(specs: readonly string[]): string[] {
  return specs.flatMap((spec) => {
    // Without any `=`, every CSV field is a ref of its own.
    if (!spec.includes('=')) return (csvFields(spec) ?? []).filter((ref) => ref !== '');
    const attrs = attributes(spec);
    return attrs?.type === 'registry' && attrs.ref ? [attrs.ref] : [];
  });
}

/** What outputs push: the images they name, and whether one pushes the tags (a pushing output without a name). */
function pushedByOutputs(outputs: readonly string[]): { names: string[]; pushesTags: boolean } {
  const names: string[] = [];
  let pushesTags = false;
  for (const spec of outputs) {
    const attrs = attributes(spec);
    if (!attrs || !(attrs.type === 'registry' || (attrs.type === 'image' && isTrue(attrs.push)))) continue;
    const named = (attrs.name ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
    if (named.length === 0) pushesTags = true;
    names.push(...named);
  }
  return { names, pushesTags };
}

/** Every registry a task pushes to or pulls from, sorted and without repeats. */
export function registriesUsedBy(service: RegistryUse): string[] {
  const outputs = pushedByOutputs(service.outputs ?? []);
  const images = [
    ...(service.push !== false || outputs.pushesTags ? service.tags : []),
    ...outputs.names,
    ...cacheRefs(service.cacheFrom),
    ...cacheRefs(service.cacheTo),
    ...service.dockerfileRefs,
    ...Object.values(service.buildContexts ?? {})
      .filter((source) => source.startsWith('docker-image://'))
      .map((source) => source.slice('docker-image://'.length)),
  ];
  const hosts = [...images.map(registryOfImage), ...(service.registries ?? []).map((l) => registryOfLogin(l.url))];
  return [...new Set(hosts)].sort();
}

/** Why a task cannot build when logins failed (registry → reason), or undefined when it uses none of them. */
export function loginFailureFor(service: RegistryUse, failed: ReadonlyMap<string, string>): string | undefined {
  const hosts = registriesUsedBy(service).filter((host) => failed.has(host));
  if (hosts.length === 0) return undefined;
  return hosts.map((host) => `it pushes to or pulls from ${host}, whose login failed: ${failed.get(host)}`).join('\n');
}

/**
 * Logins that disagree: one run logs in once per registry, so two tasks naming different usernames (or
 * different password variables) for one registry cannot both be served. Every task that names one of
 * them gets the problem; the same login repeated by several tasks is fine.
 */
export function conflictingLogins(tasks: readonly { id: string; registries: readonly RegistryLogin[] }[]): Map<string, string> {
  const byRegistry = new Map<string, { login: RegistryLogin; ids: string[] }[]>();
  for (const task of tasks) {
    for (const login of task.registries) {
      const host = registryOfLogin(login.url);
      const variants = byRegistry.get(host) ?? [];
      const same = variants.find((v) => v.login.username === login.username && v.login.passwordEnv === login.passwordEnv);
      if (!same) variants.push({ login, ids: [task.id] });
      else if (!same.ids.includes(task.id)) same.ids.push(task.id);
      byRegistry.set(host, variants);
    }
  }
  const problems = new Map<string, string>();
  for (const [host, variants] of byRegistry) {
    if (variants.length < 2) continue;
    const listed = variants.map((v) => `${v.login.username} (password in ${v.login.passwordEnv}) by ${v.ids.join(', ')}`).join('; ');
    const problem = `the run has ${variants.length} different logins for ${host}: ${listed}. One run logs in once per registry: give every task the same username and passwordEnv for it`;
    for (const id of variants.flatMap((v) => v.ids)) problems.set(id, problems.has(id) ? `${problems.get(id)}\n${problem}` : problem);
  }
  return problems;
}

/** A registry to log in to; the password stays in the environment variable named. */
export interface RegistryLogin {
  url: string;
  username: string;
  passwordEnv: string;
}
