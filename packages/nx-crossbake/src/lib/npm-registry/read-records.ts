/**
 * Reads the npm registry's record of each version a lockfile pins, one small request per version
 * (`GET <registry>/<name>/<version>`, the version's manifest, not the whole packument: popular packages'
 * packuments run to megabytes). Reading only; no credentials are sent, so a private registry's packages
 * come back as reasons, never as guesses. A version is looked up only in the registry it was resolved from:
 * a private `@corp/x` is never judged by a public package of the same name.
 */
import { integrityDiffers, readPackageRecord, type PackageRecord, type PackageVersion } from './package-record';

export type Fetch = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

interface ReadRecordsOptions {
  /** The registry's URL, `https://registry.npmjs.org/` by default. */
  registry?: string;
  fetch?: Fetch;
  concurrency?: number;
  timeoutMs?: number;
}

export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org/';
// Yarn's registry serves npm's packages under another name (https://classic.yarnpkg.com/en/docs/cli/config).
const SAME_REGISTRY = [['registry.npmjs.org', 'registry.yarnpkg.com']];

export const recordKey = (pkg: PackageVersion) => `${pkg.name}@${pkg.version}`;

function sameHost(a: string, b: string): boolean {
  return a === b || SAME_REGISTRY.some((hosts) => hosts.includes(a) && hosts.includes(b));
}

/** Why the version is not looked up in `registry`; undefined when it is. */
function elsewhere(pkg: PackageVersion, registry: URL): string | undefined {
  if (pkg.resolved === undefined) return undefined;
  const from = URL.canParse(pkg.resolved) ? new URL(pkg.resolved) : undefined;
  if (from && /^https?:$/.test(from.protocol) && sameHost(from.host, registry.host)) return undefined;
  return `${recordKey(pkg)} was resolved from ${from?.host || pkg.resolved}, not ${registry.host}: its record is not read (--npmRegistry names the registry to read)`;
}

/** Each version's record, or why it could not be read, by `name@version`. */
export async function readPackageRecords(
  pkgs: readonly PackageVersion[],
  o: ReadRecordsOptions = {},
): Promise<Map<string, PackageRecord | string>> {
  const registry = new URL(o.registry ?? DEFAULT_NPM_REGISTRY);
  const base = registry.href.endsWith('/') ? registry.href : `${registry.href}/`;
  const fetchOne = o.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = o.timeoutMs ?? 15_000;
  const records = new Map<string, PackageRecord | string>();
  const queue = [...new Map(pkgs.map((p) => [recordKey(p), p])).values()];
  // Once the registry cannot be reached, the rest say so at once instead of each waiting for its timeout.
  let down: string | undefined;

  async function readOne(pkg: PackageVersion): Promise<PackageRecord | string> {
    const away = elsewhere(pkg, registry);
    if (away) return away;
    if (down) return down;
    let response: Response;
    try {
      response = await fetchOne(`${base}${pkg.name.replace('/', '%2f')}/${encodeURIComponent(pkg.version)}`, {
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const { name, message, cause } = error as { name?: string; message?: string; cause?: { message?: string } };
      down = `${registry.host} could not be reached (${name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (cause?.message ?? message)})`;
      return down;
    }
    if (!response.ok) {
      await response.arrayBuffer().catch(() => undefined);
      return `${registry.host} answered ${response.status} for ${recordKey(pkg)}`;
    }
    const record = readPackageRecord(await response.json().catch(() => undefined));
    if (typeof record === 'string') return `${recordKey(pkg)}: ${record}`;
    if (integrityDiffers(pkg.integrity, record.integrity))
      return `${registry.host}'s ${recordKey(pkg)} is not the tarball the lockfile pins (their integrity differs)`;
    return record;
  }

  const workers = Array.from({ length: Math.min(o.concurrency ?? 16, queue.length) }, async () => {
    for (let pkg = queue.shift(); pkg; pkg = queue.shift()) records.set(recordKey(pkg), await readOne(pkg));
  });
  await Promise.all(workers);
  return records;
}
