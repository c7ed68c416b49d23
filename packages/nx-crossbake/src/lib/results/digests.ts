import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CrossbakeError } from '../core/errors';
import { DEFAULT_TARGET } from '../core/executor-names';
import { repositoryOf } from '../options/image-names';

/**
 * One runner's share of a distributed build: the digest it pushed for some platforms of one project.
 * Written by multiarch (push-by-digest), read by the manifest executor from every runner's folder.
 */
export interface DigestRecord {
  project: string;
  /** The multiarch target that pushed it (absent in files of earlier versions: the default target). */
  targetName?: string;
  /** Where the digest was pushed, e.g. `registry.example.com/acme/api`. */
  repository: string;
  digest: string;
  platforms: string[];
  /** The tags the joined manifest list gets (rendered by the build run). */
  tags: string[];
}

const slug = (text: string) => text.replace(/^@/, '').replace(/[^a-zA-Z0-9_.-]+/g, '-');

const targetOf = (record: Pick<DigestRecord, 'targetName'>) => record.targetName ?? DEFAULT_TARGET;

export const digestFileName = (record: Pick<DigestRecord, 'project' | 'targetName' | 'platforms'>) =>
  `${slug(record.project)}${targetOf(record) === DEFAULT_TARGET ? '' : `__${slug(targetOf(record))}`}__${record.platforms.map(slug).join('+')}.json`;

export function writeDigestFile(dir: string, record: DigestRecord): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, digestFileName(record));
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
  return path;
}

/** Every digest record in the folders given (each runner's artifact), with the file it came from. */
export function readDigestFiles(dirs: readonly string[]): { file: string; record: DigestRecord }[] {
  return dirs.flatMap((dir) => {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    } catch {
      throw new CrossbakeError(`digest folder '${dir}' does not exist: download each runner's artifact there, or fix 'digests'`);
    }
    return names.map((name) => ({ file: join(dir, name), record: JSON.parse(readFileSync(join(dir, name), 'utf8')) as DigestRecord }));
  });
}

export interface ManifestPlan {
  project: string;
  targetName: string;
  tags: string[];
  /** `repository@digest` of each runner's push. */
  sources: string[];
  platforms: string[];
}

/**
 * Joins the records of each task (project and multiarch target) into one manifest list, refusing what would publish a wrong image:
 * a platform pushed by two runners, a platform the project builds that no runner pushed, runners that
 * disagree on the tags or the repository.
 */
export function planManifests(
  records: readonly { file: string; record: DigestRecord }[],
  expectedPlatforms: (project: string, targetName: string) => readonly string[] | undefined,
): { plans: ManifestPlan[]; problems: string[] } {
  const byTask = new Map<string, { file: string; record: DigestRecord }[]>();
  for (const entry of records) {
    const key = JSON.stringify([entry.record.project, targetOf(entry.record)]);
    byTask.set(key, [...(byTask.get(key) ?? []), entry]);
  }

  const plans: ManifestPlan[] = [];
  const problems: string[] = [];
  for (const entries of byTask.values()) {
    const { project } = entries[0].record;
    const targetName = targetOf(entries[0].record);
    const label = targetName === DEFAULT_TARGET ? project : `${project}:${targetName}`;
    const seen = new Map<string, string>();
    const own: string[] = [];
    for (const { file, record } of entries) {
      for (const platform of record.platforms) {
        if (seen.has(platform))
          own.push(`${label}: ${platform} was pushed twice (${seen.get(platform)} and ${file}): keep one runner per platform`);
        seen.set(platform, file);
      }
    }
    const expected = expectedPlatforms(project, targetName) ?? [];
    const missing = expected.filter((p) => !seen.has(p));
    if (missing.length)
      own.push(`${label}: no runner pushed ${missing.join(', ')} (it builds ${expected.join(', ')}): the manifest list would lack them`);
    const [first] = entries;
    for (const { file, record } of entries.slice(1)) {
      if (record.repository !== first.record.repository || record.tags.join() !== first.record.tags.join()) {
        own.push(`${label}: ${file} and ${first.file} disagree on the repository or tags: were they built from the same commit?`);
      }
    }
    if (own.length) problems.push(...own);
    else
      plans.push({
        project,
        targetName,
        tags: first.record.tags,
        sources: entries.map((e) => `${e.record.repository}@${e.record.digest}`),
        platforms: [...seen.keys()],
      });
  }
  return { plans, problems };
}

/** After a run: a digest file for each project pushed by digest (multiarch's `push-by-digest`). */
export function recordDigests(
  workspaceRoot: string,
  built: readonly {
    options: { project: string; targetName: string; tags: string[]; platforms: string[]; pushByDigest?: string };
    digest?: string;
  }[],
  log: (message: string) => void,
): void {
  for (const { options, digest } of built) {
    if (options.pushByDigest === undefined || !digest) continue;
    const file = writeDigestFile(join(workspaceRoot, options.pushByDigest), {
      project: options.project,
      targetName: options.targetName,
      repository: repositoryOf(options.tags[0]),
      digest,
      platforms: options.platforms,
      tags: options.tags,
    });
    log(`nx-crossbake: ${options.project}: pushed by digest ${digest}, recorded in ${file}`);
  }
}
