/**
 * The CSV forms of `outputs`, `cache-from`, `cache-to`, `ssh` and the values of `build-contexts`, checked
 * as buildx reads them (docker/buildx util/buildflags: export.go, cache.go, ssh.go, context.go; build/opt.go;
 * moby/buildkit's cache importers and exporters). buildx parses every target's entries before it builds
 * any, so one malformed entry stops the whole bake: here it is a problem of its project alone.
 * Each check returns a problem sentence, or undefined when the entry is fine.
 */
import { parseCsv } from '../core/csv';
import { imageReferenceProblem } from './validators';

type Attributes = { attrs: Record<string, string>; error?: undefined } | { attrs?: undefined; error: string };

/** The `key=value` fields of an entry; keys lower-cased, as buildx does. */
function attributes(fields: string[], trimKeys: boolean): Attributes {
  const attrs: Record<string, string> = {};
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq < 0) return { error: `the field '${field}' is not key=value` };
    const key = field.slice(0, eq).toLowerCase();
    attrs[trimKeys ? key.trim() : key] = field.slice(eq + 1);
  }
  return { attrs };
}

const listed = (names: readonly string[]) => names.join(', ');

// buildx's exporters (build/opt.go): BuildKit's, `registry` (image with push=true) and the fake `cacheonly`.
const OUTPUT_TYPES = ['image', 'registry', 'local', 'tar', 'oci', 'docker', 'cacheonly'];
// Where the result lands in a folder or a file: buildx requires a dest, or falls back to stdout for tar/oci.
const OUTPUT_NEEDS_DEST = ['local', 'tar', 'oci'];

/** An `outputs` entry: `type=<exporter>,…`, or buildx's shorthand for a local folder. */
export function checkOutputSpec(spec: string): string | undefined {
  const bad = (why: string) => `output '${spec}' ${why}`;
  const csv = parseCsv(spec);
  if (csv.error !== undefined) return bad(`is not CSV as buildx reads it: ${csv.error}`);
  const stdout = "writes to stdout, which Nx captures into the task's log: give a dest file";
  if (csv.fields.length === 1 && csv.fields[0] === spec && !spec.startsWith('type=')) {
    // buildx reads a lone value as `type=local,dest=<value>` (or a tar on stdout for `-`).
    if (spec === '-') return bad(stdout);
    return spec.includes('=') ? bad(`has no 'type=': buildx would export into a folder named '${spec}'`) : undefined;
  }
  const read = attributes(csv.fields, true);
  if (read.error !== undefined) return bad(`is not key=value fields: ${read.error}`);
  const { type, dest } = read.attrs;
  if (!type) return bad("names no type: start it with type=<exporter>, e.g. 'type=local,dest=dist/image'");
  if (!OUTPUT_TYPES.includes(type)) return bad(`has an unknown type '${type}' (known: ${listed(OUTPUT_TYPES)})`);
  if (dest === '-') return bad(stdout);
  if (OUTPUT_NEEDS_DEST.includes(type) && !dest) return bad(`needs dest=<${type === 'local' ? 'folder' : 'file'}> for type=${type}`);
  return undefined;
}

// BuildKit's cache importers and exporters (cmd/buildkitd/main.go); `inline` is an exporter only.
const CACHE_TYPES = {
  'cache-from': ['registry', 'local', 'gha', 's3', 'azblob'],
  'cache-to': ['registry', 'local', 'inline', 'gha', 's3', 'azblob'],
};
// Keys BuildKit cannot do without (s3, azblob and gha also read theirs from the environment).
const CACHE_NEEDS = { 'cache-from': { registry: 'ref', local: 'src' }, 'cache-to': { registry: 'ref', local: 'dest' } } as const;

/** A `cache-from` / `cache-to` entry: `type=<backend>,…`, or bare registry refs (`user/app:cache`). */
export function checkCacheSpec(option: 'cache-from' | 'cache-to', spec: string): string | undefined {
  const bad = (why: string) => `${option} '${spec}' ${why}`;
  const csv = parseCsv(spec);
  if (csv.error !== undefined) return bad(`is not CSV as buildx reads it: ${csv.error}`);
  if (!spec.includes('=')) {
    // buildx: each field is a registry ref of its own.
    const problem = csv.fields.map((ref) => imageReferenceProblem(ref, { digest: true })).find((p) => p !== undefined);
    return problem === undefined ? undefined : bad(`is read as registry refs, and one is not valid: ${problem}`);
  }
  const read = attributes(csv.fields, false);
  if (read.error !== undefined) return bad(`is not key=value fields: ${read.error}`);
  const { type, mode } = read.attrs;
  if (!type) return bad("names no type: start it with type=<backend>, e.g. 'type=registry,ref=registry.example.com/acme/api:cache'");
  if (type === 'inline' && option === 'cache-from')
    return bad('reads nothing: an inline cache is read from the image itself, so name the image with type=registry,ref=<image>');
  if (!CACHE_TYPES[option].includes(type)) return bad(`has an unknown type '${type}' (known: ${listed(CACHE_TYPES[option])})`);
  const needs = (CACHE_NEEDS[option] as Record<string, string>)[type];
  if (needs && !read.attrs[needs]) return bad(`needs ${needs}=<${needs === 'ref' ? 'image reference' : 'folder'}> for type=${type}`);
  if (option === 'cache-to' && mode !== undefined && mode !== 'min' && mode !== 'max')
    return bad(`has mode '${mode}': expected min or max`);
  return undefined;
}

/**
 * An `ssh` entry's id and the sockets or keys it names (buildx's SSH.UnmarshalText): none for `default`,
 * `<id>` and `<id>=`, which all forward the agent in SSH_AUTH_SOCK, as BuildKit's sshprovider does.
 */
export function parseSshSpec(spec: string): { id: string; paths: string[] } {
  const eq = spec.indexOf('=');
  if (eq < 0) return { id: spec, paths: [] };
  const paths = spec.slice(eq + 1);
  return { id: spec.slice(0, eq), paths: paths === '' ? [] : paths.split(',') };
}

/** An `ssh` entry: `default`, `<id>` or `<id>=<socket or key>[,<key>…]`. */
export function checkSshSpec(spec: string): string | undefined {
  const { id, paths } = parseSshSpec(spec);
  if (id === '' || /[\s,]/.test(id)) return `ssh '${spec}' is not of the form default, <id> or <id>=<socket or key file>[,<key file>…]`;
  if (paths.some((p) => p.trim() === ''))
    return `ssh '${spec}' has an empty path in its list: separate the socket or key files after '${id}=' with single commas`;
  return undefined;
}

const REMOTE = /^(?:https?:\/\/|git:\/\/|ssh:\/\/|git@)/;
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * A named context: the name is what a Dockerfile's FROM (or `COPY --from`) writes, the value a folder
 * (relative to the workspace root), `docker-image://<ref>`, `target:<bake target>`,
 * `oci-layout://<folder>[:tag][@digest]` or a git/https URL.
 */
export function checkBuildContext(name: string, value: string): string | undefined {
  const bad = (why: string) => `build-contexts entry '${name}=${value}' ${why}`;
  const nameProblem = imageReferenceProblem(name, { digest: true });
  if (nameProblem !== undefined)
    return bad(
      `has a name that a FROM cannot write (${nameProblem}): use the image name the Dockerfile uses, e.g. 'alpine' or 'acme/base'`,
    );
  if (value.trim() === '')
    return bad('has no value: give a folder, docker-image://<ref>, target:<bake target>, oci-layout://<folder> or a URL');
  const scheme = SCHEME.exec(value)?.[1].toLowerCase();
  if (value.startsWith('docker-image://')) {
    const problem = imageReferenceProblem(value.slice('docker-image://'.length), { digest: true });
    return problem === undefined ? undefined : bad(`does not name an image: ${problem}`);
  }
  if (value.startsWith('target:')) return /^target:[^\s]+$/.test(value) ? undefined : bad('names no bake target after target:');
  if (value.startsWith('oci-layout://'))
    return value.length > 'oci-layout://'.length ? undefined : bad('names no folder after oci-layout://');
  if (/^docker-image:(?!\/\/)/.test(value))
    return bad(`is read as a folder: did you mean 'docker-image://${value.slice('docker-image:'.length)}'?`);
  if (REMOTE.test(value) || value.startsWith('cwd://')) return undefined;
  if (scheme)
    return bad(
      `has the scheme '${scheme}://', which buildx does not read (docker-image://, oci-layout://, http(s)://, git:// or a folder)`,
    );
  return undefined;
}

/**
 * The folder a named context reads from the machine (a plain path, `cwd://<path>`, or the folder of an
 * `oci-layout://<folder>[:tag][@digest]`), or undefined for an image, a bake target or a URL.
 */
export function localContextPath(value: string): string | undefined {
  if (value.startsWith('oci-layout://')) {
    // buildx's ocilayout.Parse: a trailing @digest, then a trailing :tag (not a Windows drive's colon).
    let path = value.slice('oci-layout://'.length).replace(/@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/, '');
    const colon = path.lastIndexOf(':');
    if (colon >= 0 && !(colon === 1 && /^[A-Za-z]:[\\/]/.test(path)) && /^[\w][\w.-]{0,127}$/.test(path.slice(colon + 1)))
      path = path.slice(0, colon);
    return path;
  }
  const path = value.replace(/^cwd:\/\//, '');
  if (/^(?:docker-image:|target:|input:)/.test(value) || REMOTE.test(value) || SCHEME.test(path)) return undefined;
  return path;
}
