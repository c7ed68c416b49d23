/** Pure parsers of docker CLI output (`parseXxx`), tested on recorded output in __fixtures__. */
import type { BuildHistoryRecord } from './bake-metadata';
import { imageRepository } from './image-ref';

/** `docker info --format '{{json .DriverStatus}}'` → whether the engine stores images in containerd. */
export function parseUsesContainerdStore(stdout: string): boolean {
  let status: unknown;
  try {
    status = JSON.parse(stdout.trim() || 'null');
  } catch {
    return false;
  }
  return Array.isArray(status) && status.some((pair) => Array.isArray(pair) && String(pair[1]).startsWith('io.containerd.snapshotter'));
}

/** `docker buildx history ls --format json`: one JSON object a line. Lines that are not records are skipped. */
export function parseHistoryList(stdout: string): BuildHistoryRecord[] {
  const records: BuildHistoryRecord[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    try {
      const record = JSON.parse(line) as BuildHistoryRecord;
      if (typeof record.ref === 'string') records.push(record);
    } catch {
      // a torn or foreign line: not ours to interpret
    }
  }
  return records;
}

/** What the engine's daemon.json says about registries, as `docker info` reports it (`RegistryConfig`). */
export interface EngineRegistryConfig {
  /** Registries named insecure (`IndexConfigs` entries with `Secure: false`), e.g. `127.0.0.1:5000`. */
  insecureRegistries: string[];
  /** Address ranges whose registries the engine treats as insecure (`InsecureRegistryCIDRs`): `127.0.0.0/8` is always there. */
  insecureCidrs: string[];
  /** Docker Hub mirrors as the engine lists them: URLs, e.g. `https://mirror.gcr.io/`. */
  mirrors: string[];
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/**
 * `docker info --format '{{json .RegistryConfig}}'`. Anything that is not that object reads as an engine that
 * configures nothing: these facts only add to the builder's config, never gate it.
 */
export function parseRegistryConfig(stdout: string): EngineRegistryConfig {
  let config: unknown;
  try {
    config = JSON.parse(stdout.trim() || 'null');
  } catch {
    config = undefined;
  }
  const empty: EngineRegistryConfig = { insecureRegistries: [], insecureCidrs: [], mirrors: [] };
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return empty;
  const { IndexConfigs, InsecureRegistryCIDRs, Mirrors } = config as Record<string, unknown>;
  const indexes = IndexConfigs !== null && typeof IndexConfigs === 'object' ? Object.values(IndexConfigs as Record<string, unknown>) : [];
  const insecure: string[] = [];
  const mirrors = strings(Mirrors);
  for (const index of indexes) {
    if (index === null || typeof index !== 'object') continue;
    const { Name, Secure, Official } = index as Record<string, unknown>;
    if (typeof Name === 'string' && Secure === false) insecure.push(Name);
    // Docker Hub's entry repeats the engine's mirrors.
    if (Official === true) mirrors.push(...strings((index as Record<string, unknown>).Mirrors));
  }
  return { insecureRegistries: insecure.sort(), insecureCidrs: strings(InsecureRegistryCIDRs), mirrors: [...new Set(mirrors)] };
}

/**
 * `docker image inspect --format '{{json .RepoDigests}}' <image>` → the digest `image` is stored under in its
 * own repository (`sha256:…`), whatever tag or digest it was run by; undefined when it has none.
 */
export function parseRepoDigest(stdout: string, image: string): string | undefined {
  let digests: unknown;
  try {
    digests = JSON.parse(stdout.trim() || 'null');
  } catch {
    return undefined;
  }
  const repository = imageRepository(image);
  const own = strings(digests).find((d) => d.includes('@') && imageRepository(d) === repository);
  return own?.slice(own.indexOf('@') + 1);
}

/** docker's answer to a command whose plugin is not installed: `docker: 'buildx' is not a docker command.` (older CLIs), `docker: unknown command: docker buildx` (28+). */
export const isBuildxMissing = (stderr: string): boolean =>
  /'buildx' is not a docker command|unknown command: docker buildx\b/.test(stderr);

/**
 * buildx's answer when the builder is not there as it was addressed: it does not exist (`ERROR: no builder "x"
 * found`, also for a docker-driver builder whose context is gone), or it is now a docker-driver builder, which
 * buildx only reaches as a context (`ERROR: use \`docker --context=x buildx\` to switch to context "x"`).
 * Only then: a builder that is there but fails says otherwise.
 */
export const isBuilderMissing = (stderr: string, name: string): boolean =>
  stderr.includes(`no builder ${JSON.stringify(name)} found`) || stderr.includes(`to switch to context ${JSON.stringify(name)}`);

/**
 * A build step that ran a binary the node cannot execute: the builder no longer serves a platform it listed
 * (its emulator is gone), the one failure a cached readiness check can hide.
 */
export const isForeignBinaryFailure = (text: string): boolean => /exec format error/.test(text);
