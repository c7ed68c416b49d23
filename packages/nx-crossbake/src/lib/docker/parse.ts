/** Pure parsers of docker CLI output (`parseXxx`), tested on recorded output in __fixtures__. */
import type { BuildHistoryRecord } from '../../types/metadata';
import { imageRepository } from '../graph/image-name';

/** `github.com/docker/buildx 0.29.1+ds1 <commit>` or `github.com/docker/buildx v0.17.1-desktop.1 <commit>` → `0.29.1`. */
export function parseBuildxVersion(stdout: string): string | undefined {
  return stdout.match(/\bv?(\d+\.\d+\.\d+)/)?.[1];
}

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
