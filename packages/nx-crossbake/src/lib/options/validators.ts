/**
 * Pure checks of option values. Each returns a problem sentence, or undefined when the value is fine,
 * so callers can collect every problem of a project before reporting.
 */

const KNOWN_OS = new Set(['linux', 'windows', 'darwin', 'freebsd']);
const KNOWN_ARCH = new Set(['amd64', 'arm64', 'arm', '386', 'ppc64le', 's390x', 'riscv64', 'mips64le', 'mips64', 'loong64']);
const KNOWN_VARIANTS: Record<string, string[]> = {
  arm: ['v5', 'v6', 'v7', 'v8'],
  arm64: ['v8', 'v9'],
  amd64: ['v1', 'v2', 'v3', 'v4'],
};
// Names people write from `uname -m` instead of the OCI name.
const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'linux/amd64',
  x64: 'linux/amd64',
  aarch64: 'linux/arm64',
  armhf: 'linux/arm/v7',
  armv7: 'linux/arm/v7',
  armv7l: 'linux/arm/v7',
  i386: 'linux/386',
  i686: 'linux/386',
};

export function checkPlatform(platform: string): string | undefined {
  const bad = (why: string) => `platform '${platform}' ${why}`;
  const parts = platform.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    return bad("is not of the form 'os/arch[/variant]', e.g. 'linux/arm64' or 'linux/arm/v7'");
  }
  const [os, arch, variant] = parts;
  if (!KNOWN_OS.has(os)) return bad(`has an unknown os '${os}' (known: ${[...KNOWN_OS].join(', ')})`);
  if (!KNOWN_ARCH.has(arch)) {
    const alias = ARCH_ALIASES[arch];
    return bad(`has an unknown architecture '${arch}'${alias ? `: did you mean '${alias}'?` : ` (known: ${[...KNOWN_ARCH].join(', ')})`}`);
  }
  if (variant !== undefined && !(KNOWN_VARIANTS[arch] ?? []).includes(variant)) {
    const known = KNOWN_VARIANTS[arch];
    return bad(`has an unknown variant '${variant}' for ${arch}${known ? ` (known: ${known.join(', ')})` : ' (it takes none)'}`);
  }
  return undefined;
}

// The grammar of github.com/distribution/reference, for a name with an optional tag (no digest: we tag).
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const PORT = /^[0-9]+$/;

function checkDomain(domain: string): boolean {
  const bracketed = domain.match(/^\[[0-9a-fA-F:]+\](?::([0-9]+))?$/);
  if (bracketed) return true;
  const [host, port, extra] = domain.split(':');
  if (extra !== undefined || (port !== undefined && !PORT.test(port))) return false;
  return host.split('.').every((c) => DOMAIN_COMPONENT.test(c));
}

/** Checks an image reference used as a tag, e.g. `registry.example.com:5000/acme/api:1.2.3`. */
export function checkImageTag(ref: string): string | undefined {
  const bad = (why: string) => `tag '${ref}' is not a valid image reference: ${why}`;
  if (ref.trim() === '') return bad('it is empty');
  if (/\s/.test(ref)) return bad('it contains white space');
  if (ref.includes('@')) return bad("a digest ('@sha256:…') cannot be used as a tag");

  // The tag is what follows the last ':' after the last '/' (a ':' before it is a registry port).
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const name = colon > slash ? ref.slice(0, colon) : ref;
  const tag = colon > slash ? ref.slice(colon + 1) : undefined;
  if (tag !== undefined && !TAG.test(tag)) {
    return bad(`the tag part '${tag}' must be 1-128 of [A-Za-z0-9_.-] and not start with '.' or '-'`);
  }
  if (name.length > 255) return bad('the name is longer than 255 characters');

  const components = name.split('/');
  // As docker does: the first component is a registry when it has a '.' or ':' or is 'localhost'.
  const first = components[0];
  const hasDomain = components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasDomain && !checkDomain(first)) return bad(`'${first}' is not a valid registry host[:port]`);
  for (const component of hasDomain ? components.slice(1) : components) {
    if (component === '') return bad("it has an empty path component ('//' or a trailing '/')");
    if (!PATH_COMPONENT.test(component)) {
      return bad(
        component !== component.toLowerCase()
          ? `repository names must be lowercase ('${component}')`
          : `'${component}' may only hold [a-z0-9] separated by '.', '_', '__' or '-'`,
      );
    }
  }
  return undefined;
}

/** Parses `KEY=VALUE` entries (build-args, labels) into a record; problems are pushed onto `problems`. */
export function parseKeyValues(option: string, entries: string[], problems: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq) : '';
    if (key === '' || /\s/.test(key)) {
      problems.push(`${option} entry '${entry}' is not of the form KEY=VALUE`);
      continue;
    }
    result[key] = entry.slice(eq + 1);
  }
  return result;
}
