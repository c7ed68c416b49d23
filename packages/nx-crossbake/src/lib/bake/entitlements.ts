import { lstatSync, readlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, parse, resolve, sep } from 'node:path';
import type { BakeDefinition, BakeTarget } from '../docker/bake-file';
import { parseCsv } from '../core/csv';
import { parseSshSpec } from '../options/csv-specs';

/**
 * The `--allow` values bake needs for what the targets request, computed the way buildx computes them before
 * it refuses a bake ("Your build is requesting privileges …", bake/entitlements.go `check`,
 * `findMissingPaths`, `Prompt`; build/opt.go `CreateExports`; util/buildflags for the specs). It follows
 * buildx v0.29.1 (a32761a, the rig's) and v0.36.1 (1d8dde8), and grants only what both accept, since the
 * buildx version is not known here (the bake file and `--print` are computed without running docker):
 * https://github.com/docker/buildx/blob/v0.29.1/bake/entitlements.go
 * https://github.com/docker/buildx/blob/v0.36.1/bake/entitlements.go
 *
 * - `ssh` for an ssh spec without paths (the agent in SSH_AUTH_SOCK), or a git-over-ssh context without ssh.
 * - `fs.read=<path>`: context, Dockerfile, local named contexts, local cache src, secret src, ssh paths.
 * - `fs.write=<path>`: local cache dest, local/tar/oci/docker output dest. Both as `fs=<path>` when equal.
 * - `network.host`, `security.insecure`, `device[=…]` only when a target lists them in `entitlements`.
 * Anything under the working directory is allowed by default. buildx resolves symlinks and, for a path that
 * does not exist yet, asks for its deepest existing ancestor: we grant exactly that, as absolute paths.
 * Where the two versions differ:
 * - tar/oci/docker file outputs: 0.29.1 creates the dest file before the check and asks for the file;
 *   since 0.30 (28b6750, lazy tar writer) a dest not there yet is asked for as its deepest existing
 *   ancestor, which a grant of the file does not cover. We grant that ancestor: it covers both.
 * - `buildx.local.delete` (since 0.35, 473c6ef): asked for by a local output with `mode=delete`. buildx 0.29.1
 *   refuses the key ("unknown entitlement key"), so we never grant it: on ≥0.35 such an output makes bake
 *   stop with its own message naming the flag.
 * - ssh `id=` with an empty path list: 0.29.1 reads no paths (the agent), 0.36.1 one empty path (the
 *   working directory). We grant `ssh`, which both accept.
 * buildx (both versions) keeps the paths of only one target (each target overwrites the last); we grant the
 * union, so the answer never depends on the order buildx happens to walk its targets in.
 */
export function getBakeEntitlements(definition: BakeDefinition, workingDir: string): string[] {
  const wd = resolve(workingDir);
  const granted = grantedPath(wd);
  const named = new Set<string>();
  const devices = new Set<string>();
  const read = new Set<string>();
  const write = new Set<string>();
  let ssh = false;
  for (const target of Object.values(definition.target)) {
    for (const e of target.entitlements ?? []) {
      if (e === 'network.host' || e === 'security.insecure') named.add(e);
      else if (e === 'device') devices.add('device');
      else if (e.startsWith('device=')) {
        const name = csvFields(e.slice('device='.length))?.[0];
        if (name) devices.add(`device=${name}`);
      }
    }
    const wanted = requestsOf(target);
    ssh ||= wanted.ssh;
    for (const p of missingPaths(wanted.read, granted, wd)) read.add(p);
    for (const p of missingPaths(wanted.write, granted, wd)) write.add(p);
  }
  const ro = collapse(read);
  const rw = collapse(write);
  const both = ro.filter((p) => rw.includes(p));
  return [
    ...['network.host', 'security.insecure'].filter((e) => named.has(e)),
    ...(devices.has('device') ? ['device'] : [...devices].sort()),
    ...(ssh ? ['ssh'] : []),
    ...both.map((p) => `fs=${p}`),
    ...ro.filter((p) => !both.includes(p)).map((p) => `fs.read=${p}`),
    ...rw.filter((p) => !both.includes(p)).map((p) => `fs.write=${p}`),
  ];
}

/** A path a target reads or writes. */
interface PathRequest {
  path: string;
}

// definition.ts escapes `${` and `%{` because bake interpolates JSON files; buildx sees them unescaped.
const unescape = (value: string) => value.replace(/\$\$\{|%%\{/g, (m) => m.slice(1));

function requestsOf(target: BakeTarget): { ssh: boolean; read: PathRequest[]; write: PathRequest[] } {
  const read: PathRequest[] = [];
  const write: PathRequest[] = [];
  const context = unescape(target.context ?? '.');
  const dockerfile = unescape(target.dockerfile ?? 'Dockerfile');
  // build.Inputs and bake's collectLocalPaths: a local context and its Dockerfile are read.
  if (isLocal(context)) read.push({ path: stripCwd(context) });
  if (isLocal(dockerfile)) {
    const file = stripCwd(dockerfile);
    const joined = dockerfile.startsWith('cwd://') || isAbsolute(file) || isRemoteUrl(context) ? file : join(stripCwd(context), file);
    read.push({ path: joined });
  }
  for (const value of Object.values(target.contexts ?? {}).map(unescape)) if (isLocal(value)) read.push({ path: stripCwd(value) });
  for (const spec of (target['cache-from'] ?? []).map(unescape)) {
    const cache = cacheEntry(spec);
    if (cache?.get('type') === 'local' && cache.has('src')) read.push({ path: cache.get('src')! });
  }
  for (const spec of (target['cache-to'] ?? []).map(unescape)) {
    const cache = cacheEntry(spec);
    if (cache?.get('type') === 'local' && cache.has('dest')) write.push({ path: cache.get('dest')! });
  }
  // Secrets and ssh agents are deduplicated by id, the last one winning (buildflags removeSecretDupes).
  const secrets = new Map<string, string | undefined>();
  for (const spec of (target.secret ?? []).map(unescape)) {
    const secret = secretEntry(spec);
    if (secret) secrets.set(secret.id, secret.src);
  }
  for (const src of secrets.values()) if (src) read.push({ path: src });
  const agents = new Map<string, string[]>();
  for (const spec of (target.ssh ?? []).map(unescape).filter((s) => s !== '')) {
    const { id, paths } = parseSshSpec(spec);
    agents.set(id, paths);
  }
  for (const paths of agents.values()) read.push(...paths.map((path) => ({ path })));
  const ssh = agents.size === 0 ? isGitSsh(context) : [...agents.values()].some((paths) => paths.length === 0);
  for (const spec of (target.output ?? []).map(unescape)) write.push(...outputPaths(spec));
  return { ssh, read, write };
}

const stripCwd = (p: string) => (p.startsWith('cwd://') ? p.slice('cwd://'.length) : p);

// bake's isLocalPath: `oci-layout://…` counts as local too, and so resolves under the working directory.
const isLocal = (p: string) => !isRemoteUrl(p) && !p.startsWith('target:') && !p.startsWith('docker-image:');

const scpStyle = /^([a-zA-Z0-9-_]+)@([a-zA-Z0-9-.]+):(.*?)(?:\?(.*?))?(?:#(.*))?$/;

/** build.IsRemoteURL: an http(s) URL, or what BuildKit parses as a git reference. */
function isRemoteUrl(p: string): boolean {
  if (/^https?:\/\//.test(p)) return true;
  if (p.startsWith('./') || p.startsWith('../')) return false;
  if (p.startsWith('github.com/')) return true;
  const proto = /^([a-zA-Z0-9]+):\/\//.exec(p)?.[1]?.toLowerCase();
  if (proto !== undefined) return proto === 'ssh' || proto === 'git';
  return scpStyle.test(p);
}

const isGitSsh = (p: string) => /^ssh:\/\//i.test(p) || (!/^[a-zA-Z0-9]+:\/\//.test(p) && scpStyle.test(p));

/** One CSV record as buildx reads it; undefined where buildx refuses it. */
const csvFields = (line: string): string[] | undefined => parseCsv(line).fields;

/** `key=value` fields in order, keys lower-cased; undefined where buildx refuses the spec. */
function keyValues(spec: string, trimKeys = false): Array<[string, string]> | undefined {
  const fields = csvFields(spec);
  if (!fields || fields.some((f) => !f.includes('='))) return undefined;
  return fields.map((f) => {
    const key = f.slice(0, f.indexOf('=')).toLowerCase();
    return [trimKeys ? key.trim() : key, f.slice(f.indexOf('=') + 1)];
  });
}

/** buildflags CacheOptionsEntry: a value without `=` is a registry ref. */
function cacheEntry(spec: string): Map<string, string> | undefined {
  const attrs = spec.includes('=') ? keyValues(spec) : undefined;
  return attrs && new Map(attrs);
}

/** buildflags Secret: `src`/`source` names a file, unless `type=env` without `env=` makes it the variable. */
function secretEntry(spec: string): { id: string; src?: string } | undefined {
  let id = '';
  let src = '';
  let env = '';
  let type: string | undefined;
  const pairs = keyValues(spec);
  if (!pairs) return undefined;
  for (const [key, value] of pairs) {
    if (key === 'type' && (value === 'file' || value === 'env')) type = value;
    else if (key === 'id') id = value;
    else if (key === 'src' || key === 'source') src = value;
    else if (key === 'env') env = value;
    else return undefined;
  }
  return { id, src: (type === 'env' && env === '') || src === '' ? undefined : src };
}

/** buildflags ExportEntry and build.CreateExports: which outputs write a folder or a file on this machine. */
function outputPaths(spec: string): PathRequest[] {
  if (spec === '-') return [];
  const bare = !spec.startsWith('type=') && csvFields(spec)?.length === 1 && csvFields(spec)?.[0] === spec;
  if (bare) return [{ path: spec }];
  const pairs = keyValues(spec, true);
  const attrs = pairs && new Map(pairs);
  const type = attrs?.get('type');
  const dest = attrs?.get('dest') ?? '';
  if (!attrs || !type || dest === '' || dest === '-') return [];
  // A tar file (tar, and oci/docker unless tar=false) or a folder (local, oci/docker with tar=false): either
  // way the dest, or its deepest existing ancestor while it is not there yet.
  return ['local', 'tar', 'oci', 'docker'].includes(type) ? [{ path: dest }] : [];
}

/**
 * buildx's evaluateToExistingPath: walks the absolute path from the root, following symlinks; at the first
 * component that does not exist it stops and returns the existing part, and the rest unresolved.
 */
function existingPart(input: string, workingDir: string): { path: string; rest: string } {
  const absolute = resolve(workingDir, input);
  let pending = absolute.split(sep).filter((c) => c !== '');
  let dest = parse(absolute).root;
  let links = 0;
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (name === '.') continue;
    if (name === '..') {
      dest = dirname(dest);
      continue;
    }
    const next = join(dest, name);
    const stat = lstatSync(next, { throwIfNoEntry: false });
    if (!stat) return { path: dest, rest: [name, ...pending].join(sep) };
    if (!stat.isSymbolicLink()) {
      if (!stat.isDirectory() && pending.length > 0) throw new Error(`${next} is not a directory`);
      dest = next;
      continue;
    }
    if (++links > 255) throw new Error('too many symlinks');
    const link = readlinkSync(next);
    if (isAbsolute(link)) dest = parse(link).root;
    pending = [...link.split(sep).filter((c) => c !== ''), ...pending];
  }
  return { path: normalize(dest), rest: '' };
}

/** How buildx reads a granted path (evaluatePaths): the existing part resolved, the rest kept as written. */
function grantedPath(absolute: string): string {
  const { path: existing, rest } = existingPart(absolute, absolute);
  return rest ? join(existing, rest) : existing;
}

/**
 * buildx's isParentOrEqualPath. It compares prefixes without a separator, so `/w/app2` counts as inside
 * `/w/app`: buildx then asks for nothing, and we grant nothing.
 */
const isWithin = (path: string, parent: string) => path === parent || parent === parse(parent).root || path.startsWith(parent);

/** findMissingPaths: the evaluated paths that the working directory does not cover. */
function missingPaths(requests: readonly PathRequest[], granted: string, workingDir: string): string[] {
  const paths: string[] = [];
  for (const request of requests) {
    try {
      paths.push(existingPart(request.path, workingDir).path);
    } catch {
      // buildx cannot evaluate it either and fails the bake with its own message; granting cannot help.
    }
  }
  return collapse(new Set(paths)).filter((p) => !isWithin(p, granted));
}

/** dedupPaths, then sorted: a path inside another requested path adds nothing. */
function collapse(paths: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  for (const p of [...paths].map(normalize).sort((a, b) => a.length - b.length)) {
    if (!kept.some((parent) => p === parent || p.startsWith(parent + sep))) kept.push(p);
  }
  return kept.sort();
}
