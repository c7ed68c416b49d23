import { posix } from 'node:path';
import schema from '../../executors/multiarch/schema.json';
import type { MultiarchExecutorSchema } from '../../executors/multiarch/schema';
import { InvalidOptionsError } from '../errors';
import type { RegistryLogin, ServiceOptions } from './service-options';
import type { GitFacts } from '../facts/git-facts';
import { attestations, interpolate, normalizeSecrets, type Env } from './build-inputs';
import { defaultCache, type CacheInput, type CacheMode } from './cache';
import { renderTemplate, sanitizeForTag, type TemplateValues } from './templates';
import { readOption, unknownOptionProblems } from './schema-options';
import { checkImageTag, checkPlatform, parseKeyValues } from './validators';
import { DEFAULT_TARGET } from '../../executor-names';

export interface ProjectRef {
  name: string;
  /** Workspace-relative root of the project, e.g. `apps/api`. */
  root: string;
  /** For `{version}`: the project's package.json version, or the version nx release publishes. */
  version?: string;
  /** The multiarch target being built (default `docker-multiarch`): one project can have several. */
  targetName?: string;
  /** The Nx task id (default `<name>:<targetName>`). */
  taskId?: string;
}

/** What the run knows beyond the options, resolved once and passed in (keeps this function pure). */
export interface RunFacts {
  env: Env;
  git: GitFacts;
  defaultBranch: string;
  now: Date;
}

export const currentFacts = (): RunFacts => ({ env: process.env, git: {}, defaultBranch: 'main', now: new Date() });

const option = <K extends keyof MultiarchExecutorSchema>(raw: MultiarchExecutorSchema, name: K) =>
  readOption<NonNullable<MultiarchExecutorSchema[K]>>(schema, raw, name);

// Names people bring from `docker build` or docker/build-push-action.
const LIKELY_MEANT: Record<string, string> = { dockerfile: 'file', platform: 'platforms', tag: 'tags', 'build-arg': 'build-args', label: 'labels', output: 'outputs' };

/** The OCI annotations as labels, from what the run knows; the user's labels override them. */
function ociLabels(values: TemplateValues, git: GitFacts, now: Date): Record<string, string> {
  const labels: Record<string, string> = { 'org.opencontainers.image.title': values.projectName, 'org.opencontainers.image.created': now.toISOString() };
  if (git.sha) labels['org.opencontainers.image.revision'] = git.sha;
  if (git.remoteUrl) labels['org.opencontainers.image.source'] = git.remoteUrl;
  if (values.version) labels['org.opencontainers.image.version'] = values.version;
  return labels;
}

/** Explicit cache-from / cache-to win, each on its own; otherwise the project's default cache. */
function explicitOrDefaultCache(raw: MultiarchExecutorSchema, input: Omit<CacheInput, 'mode'>, problems: string[]) {
  const mode = option(raw, 'cache') as CacheMode;
  if (mode === 'registry' && input.tags.length === 0) problems.push("'cache: registry' names its cache after the image: set 'tags'");
  const defaults = defaultCache({ ...input, mode });
  const from = option(raw, 'cache-from');
  const to = option(raw, 'cache-to');
  return { cacheFrom: from.length ? from : defaults.cacheFrom, cacheTo: to.length ? to : defaults.cacheTo };
}

/** Each login names a variable that is set; the value itself is never read here. */
function checkRegistries(registries: RegistryLogin[], env: Env, problems: string[]): RegistryLogin[] {
  for (const r of registries) {
    if (!r || !r.url || !r.username || !r.passwordEnv) {
      problems.push(`each entry of 'registries' needs url, username and passwordEnv (got ${JSON.stringify(Object.keys(r ?? {}))})`);
    } else if (env[r.passwordEnv] === undefined) {
      problems.push(`the password for ${r.url} is read from the environment variable ${r.passwordEnv}, which is not set`);
    }
  }
  return registries;
}

const toPosix = (p: string) => posix.normalize(p.replace(/\\/g, '/')).replace(/\/$/, '') || '.';

/**
 * Applies every default exactly once and checks every value, so nothing downstream re-defaults or
 * re-validates. Throws InvalidOptionsError listing all problems of the project. Pure: the file system is
 * checked separately (see checkBuildInputs).
 */
export function normalizeOptions(raw: MultiarchExecutorSchema, project: ProjectRef, facts: RunFacts = currentFacts()): ServiceOptions {
  const { env, git } = facts;
  const problems = unknownOptionProblems(schema, raw, LIKELY_MEANT);

  const projectRoot = toPosix(project.root || '.');
  const context = toPosix(raw.context ?? projectRoot);
  const file = toPosix(raw.file ?? posix.join(projectRoot, 'Dockerfile'));
  for (const [name, path] of [['context', context], ['file', file]]) {
    if (posix.isAbsolute(path) || path === '..' || path.startsWith('../')) {
      problems.push(`'${name}' (${path}) must be a path inside the workspace, relative to its root`);
    }
  }

  const platforms = [...new Set(option(raw, 'platforms'))];
  if (platforms.length === 0) problems.push("'platforms' is empty: list at least one, e.g. [\"linux/amd64\", \"linux/arm64\"]");
  for (const platform of platforms) {
    const problem = checkPlatform(platform);
    if (problem) problems.push(problem);
  }

  const branch = git.branch ? sanitizeForTag(git.branch) : undefined;
  const values: TemplateValues = {
    projectName: project.name.replace(/^@/, '').replace(/\//g, '-'),
    version: project.version,
    sha: git.sha,
    shortSha: git.sha?.slice(0, 7),
    branch,
    date: facts.now.toISOString().slice(0, 10).replace(/-/g, ''),
  };
  const tags = option(raw, 'tags').map((t) => renderTemplate(t, values, 'tag', problems));
  if (option(raw, 'tag-latest') && git.branch === facts.defaultBranch) {
    for (const tag of [...tags]) {
      const latest = `${tag.replace(/@.*$/, '').replace(/:[^:/]*$/, '')}:latest`;
      if (!tags.includes(latest)) tags.push(latest);
    }
  }
  for (const tag of tags) {
    const problem = checkImageTag(tag);
    if (problem) problems.push(problem);
  }

  const push = option(raw, 'push');
  const load = option(raw, 'load');
  const outputs = option(raw, 'outputs');
  if (push && tags.length === 0) problems.push("'push' is true but 'tags' is empty: name at least one image to push to");
  if (raw['push-by-digest'] !== undefined && (!push || tags.length === 0)) {
    problems.push("'push-by-digest' pushes by digest to the repository of the first tag: set 'push: true' and 'tags'");
  }
  if (!push && !load && outputs.length === 0) {
    problems.push("nothing would be produced: set 'push: true', 'load: true' or list 'outputs'");
  }

  const targetName = project.targetName ?? DEFAULT_TARGET;
  const options: ServiceOptions = {
    id: project.taskId ?? `${project.name}:${targetName}`,
    project: project.name,
    targetName,
    projectRoot,
    context,
    file,
    platforms,
    tags,
    push,
    load,
    buildArgs: Object.fromEntries(
      Object.entries(parseKeyValues('build-args', option(raw, 'build-args'), problems)).map(([k, v]) => [k, interpolate(`build-arg ${k}`, v, env, problems)]),
    ),
    labels: {
      ...(option(raw, 'oci-labels') ? ociLabels(values, git, facts.now) : {}),
      ...Object.fromEntries(
        Object.entries(parseKeyValues('labels', option(raw, 'labels'), problems)).map(([k, v]) => [k, renderTemplate(v, values, `label ${k}`, problems)]),
      ),
    },
    secrets: normalizeSecrets(option(raw, 'secrets'), option(raw, 'secret-files'), env, problems),
    ssh: option(raw, 'ssh'),
    buildContexts: parseKeyValues('build-contexts', option(raw, 'build-contexts'), problems),
    attest: attestations(raw.provenance, option(raw, 'sbom'), problems),
    target: raw.target,
    builder: option(raw, 'builder'),
    setup: option(raw, 'setup'),
    ...explicitOrDefaultCache(raw, { project: project.name, targetName, tags, platforms, push, branch: git.branch, defaultBranch: facts.defaultBranch }, problems),
    pull: option(raw, 'pull'),
    noCache: option(raw, 'no-cache'),
    outputs,
    strictEmulation: option(raw, 'strict-emulation'),
    registries: checkRegistries(option(raw, 'registries'), env, problems),
    pushByDigest: raw['push-by-digest'] === undefined ? undefined : toPosix(raw['push-by-digest']),
    keepGoing: option(raw, 'keep-going'),
  };
  if (problems.length > 0) throw new InvalidOptionsError(project.name, problems);
  return options;
}
