/**
 * yarn.lock, both formats, in the shape of lockfile.ts. Neither records which packages run install
 * scripts, so every registry package leaves that to the registry's record; v1 records no os/cpu either.
 *
 * v1 (Yarn classic, https://classic.yarnpkg.com/en/docs/yarn-lock): unindented `spec, spec:` headers, each
 * followed by indented `version "x"`, `resolved "url#sha1"`, `integrity sha512-…`. Berry (Yarn 2+): YAML
 * keyed by descriptors, with `resolution: "name@npm:x"`, `linkType: soft` for workspaces and links, and
 * `conditions: os=darwin & cpu=arm64` for packages limited to platforms.
 */
import { parse as parseYaml } from 'yaml';
import type { LockedPackage, Lockfile } from './lockfile';

const GIT = /^(git\+|git:|github:|gitlab:|bitbucket:|https:\/\/codeload\.github\.com\/)/;
const unquote = (text: string) => text.trim().replace(/^"(.*)"$/, '$1');

/** `@scope/a@^1.0.0` → [`@scope/a`, `^1.0.0`]: the name ends at the first `@` after the first character. */
function splitDescriptor(descriptor: string): [string, string] {
  const at = descriptor.indexOf('@', 1);
  return at < 0 ? [descriptor, ''] : [descriptor.slice(0, at), descriptor.slice(at + 1)];
}

function readV1(text: string, file: string): Lockfile {
  const packages: LockedPackage[] = [];
  let current: LockedPackage | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    if (!line.startsWith(' ')) {
      const descriptors = line.replace(/:$/, '').split(/,\s*/).map(unquote);
      let [name, range] = splitDescriptor(descriptors[0]);
      // An alias, `a@npm:b@^1`, installs b under the name a: b is what the registry knows.
      if (range.startsWith('npm:')) [name, range] = splitDescriptor(range.slice('npm:'.length));
      current = {
        key: descriptors[0],
        name,
        installScript: false,
        link: /^(file|link|portal):/.test(range) && !/\.(tgz|tar\.gz|tar)$/.test(range),
        unrecorded: false,
        git: GIT.test(range),
        unknown: { scripts: true, platforms: true },
      };
      packages.push(current);
      continue;
    }
    const field = line.match(/^ {2}(version|resolved|integrity) (.+)$/);
    if (!field || current === undefined) continue;
    const value = unquote(field[2]);
    if (field[1] === 'version') current.version = value;
    else if (field[1] === 'integrity') current.integrity = value;
    else {
      current.resolved = value.replace(/#[0-9a-f]{40}$/, '');
      current.git ||= GIT.test(value);
    }
  }
  return { label: `${file} v1`, packages };
}

/**
 * `os=darwin & cpu=arm64` → { os: ['darwin'], cpu: ['arm64'] }. Yarn writes several values as
 * `(os=linux | os=darwin)` and a negation as `!cpu=arm64`: such a condition is kept whole, as a limit this
 * reading does not resolve, so the package counts as limited, never as free.
 */
function conditions(text: unknown): Pick<LockedPackage, 'os' | 'cpu' | 'libc' | 'unresolvedLimit'> {
  if (typeof text !== 'string') return {};
  if (/[|!()]/.test(text)) return { unresolvedLimit: text };
  const limits: Record<string, string[]> = {};
  for (const term of text.split('&')) {
    const [field, value] = term.split('=').map((t) => t.trim());
    if (field && value) (limits[field] ??= []).push(value);
  }
  return { os: limits.os, cpu: limits.cpu, libc: limits.libc };
}

const decoded = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/**
 * Where Berry fetches a package from, by .yarnrc.yml: `npmScopes.<scope>.npmRegistryServer`, else
 * `npmRegistryServer`; undefined for npm's registry (Yarn's default, registry.yarnpkg.com, serves it). The
 * lockfile records neither a URL nor an integrity npm knows, so this is what keeps a private `@corp/x` from
 * being judged by a public package of the same name.
 */
function berryRegistries(yarnrc: string | undefined): (name: string) => string | undefined {
  let config: Record<string, unknown> = {};
  try {
    const parsed: unknown = yarnrc === undefined ? {} : parseYaml(yarnrc);
    if (typeof parsed === 'object' && parsed !== null) config = parsed as Record<string, unknown>;
  } catch {
    // An unreadable .yarnrc.yml names no registry we could trust: every package is from an unknown one.
    return () => 'an unreadable .yarnrc.yml';
  }
  const server = (value: unknown) =>
    typeof value === 'string' && !/^https?:\/\/registry\.(yarnpkg\.com|npmjs\.org)\/?$/.test(value) ? value : undefined;
  const scopes =
    typeof config.npmScopes === 'object' && config.npmScopes !== null
      ? (config.npmScopes as Record<string, { npmRegistryServer?: unknown }>)
      : {};
  return (name) => {
    const scope = name.startsWith('@') ? name.slice(1, name.indexOf('/')) : undefined;
    const scoped = scope === undefined ? undefined : scopes[scope]?.npmRegistryServer;
    return scoped !== undefined ? server(scoped) : server(config.npmRegistryServer);
  };
}

function readBerry(lock: Record<string, unknown>, file: string, yarnrc: string | undefined): Lockfile {
  const registryOf = berryRegistries(yarnrc);
  const packages: LockedPackage[] = [];
  for (const [key, raw] of Object.entries(lock)) {
    if (key === '__metadata' || typeof raw !== 'object' || raw === null) continue;
    const entry = raw as Record<string, unknown>;
    const resolution = typeof entry.resolution === 'string' ? entry.resolution : key;
    const [name, reference] = splitDescriptor(resolution);
    // The project itself.
    if (reference === 'workspace:.') continue;
    // `patch:` wraps another resolution (`typescript@npm%3A4.6.2#…`): the package is the one it patches.
    const inner = reference.startsWith('patch:') ? decoded(splitDescriptor(reference.slice('patch:'.length))[1]) : reference;
    const npm = inner.match(/^npm:([^#]+)/);
    packages.push({
      key: resolution,
      name,
      version: npm ? npm[1] : undefined,
      resolved: npm ? registryOf(name) : undefined,
      installScript: false,
      ...conditions(entry.conditions),
      link: entry.linkType === 'soft',
      unrecorded: false,
      git: GIT.test(inner) || /\.git#/.test(inner),
      unknown: { scripts: true, platforms: false },
    });
  }
  return { label: `${file} (Yarn 2+, format ${String((lock.__metadata as { version?: unknown }).version ?? '?')})`, packages };
}

/** yarn.lock of either format, with the .yarnrc.yml the install reads (Berry's registries); a string says why it is refused. */
export function parseYarnLock(text: string, file = 'yarn.lock', yarnrc?: string): Lockfile | string {
  if (!/^__metadata:/m.test(text)) return readV1(text, file);
  let lock: unknown;
  try {
    lock = parseYaml(text);
  } catch (error) {
    return `${file} is not valid YAML (${(error as Error).message.split('\n')[0]})`;
  }
  return typeof lock === 'object' && lock !== null ? readBerry(lock as Record<string, unknown>, file, yarnrc) : `${file} is not a lockfile`;
}
