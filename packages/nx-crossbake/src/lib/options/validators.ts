/**
 * Pure checks of option values. Each returns a problem sentence, or undefined when the value is fine,
 * so callers can collect every problem of a project before reporting.
 */
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

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

/**
 * Why `ref` is not an image reference (`[registry/]path[:tag][@digest]`), or undefined. A digest is allowed
 * only where the reference is read (a named context), not where it tags an image.
 */
export function imageReferenceProblem(ref: string, { digest = false } = {}): string | undefined {
  if (ref.trim() === '') return 'it is empty';
  if (/\s/.test(ref)) return 'it contains white space';
  const at = ref.indexOf('@');
  if (at >= 0 && !digest) return "a digest ('@sha256:…') cannot be used as a tag";
  if (at >= 0 && !DIGEST.test(ref.slice(at + 1))) return `'${ref.slice(at + 1)}' is not a digest such as sha256:<64 hex digits>`;
  const named = at >= 0 ? ref.slice(0, at) : ref;

  // The tag is what follows the last ':' after the last '/' (a ':' before it is a registry port).
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const name = colon > slash ? named.slice(0, colon) : named;
  const tag = colon > slash ? named.slice(colon + 1) : undefined;
  if (tag !== undefined && !TAG.test(tag)) return `the tag part '${tag}' must be 1-128 of [A-Za-z0-9_.-] and not start with '.' or '-'`;
  if (name.length > 255) return 'the name is longer than 255 characters';

  const components = name.split('/');
  // As docker does: the first component is a registry when it has a '.' or ':' or is 'localhost'.
  const first = components[0];
  const hasDomain = components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasDomain && !checkDomain(first)) return `'${first}' is not a valid registry host[:port]`;
  for (const component of hasDomain ? components.slice(1) : components) {
    if (component === '') return "it has an empty path component ('//' or a trailing '/')";
    if (!PATH_COMPONENT.test(component)) {
      return component !== component.toLowerCase()
        ? `repository names must be lowercase ('${component}')`
        : `'${component}' may only hold [a-z0-9] separated by '.', '_', '__' or '-'`;
    }
  }
  return undefined;
}

/** Checks an image reference used as a tag, e.g. `registry.example.com:5000/acme/api:1.2.3`. */
export function checkImageTag(ref: string): string | undefined {
  const why = imageReferenceProblem(ref);
  return why === undefined ? undefined : `tag '${ref}' is not a valid image reference: ${why}`;
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
