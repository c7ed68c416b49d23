import { posix } from 'node:path';
import schema from './schemas/multiarch.json';
import type { MultiarchExecutorSchema } from './schemas/multiarch';
import { InvalidOptionsError } from '../core/errors';
import type { ServiceOptions } from './service-options';
import type { GitFacts } from '../git/commit-facts';
import type { Env } from '../process/exec';
import { attestations, interpolate, normalizeSecrets } from './build-inputs';
import { defaultCache, type CacheInput, type CacheMode } from './cache';
import { checkBuildContext, checkCacheSpec, checkOutputSpec, checkSshSpec } from './csv-specs';
import { normalizePlatforms } from '../docker/platforms';
import { checkRegistryLogins } from './registry-logins';
import { normalizeSign } from './sign';
import { renderedProjectName, renderTemplate, sanitizeForTag, undoNxProjectName, type TemplateValues } from './templates';
import { optionReader, unknownOptionProblems, type OptionReader } from './schema-options';
import { checkImageTag, parseKeyValues } from './validators';
import { DEFAULT_TARGET } from '../core/executor-names';

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

const currentFacts = (): RunFacts => ({ env: process.env, git: {}, defaultBranch: 'main', now: new Date() });

// Names people bring from `docker build` or docker/build-push-action.
const LIKELY_MEANT: Record<string, string> = {
  dockerfile: 'file',
  platform: 'platforms',
  tag: 'tags',
  'build-arg': 'build-args',
  label: 'labels',
  output: 'outputs',
};

export const CREATED_LABEL = 'org.opencontainers.image.created';
export const REVISION_LABEL = 'org.opencontainers.image.revision';

/** The OCI annotations as labels, from what the run knows; the user's labels override them. */
function ociLabels(values: TemplateValues, git: GitFacts, now: Date): Record<string, string> {
  const labels: Record<string, string> = { 'org.opencontainers.image.title': values.projectName, [CREATED_LABEL]: now.toISOString() };
  if (git.sha) labels[REVISION_LABEL] = git.sha;
  if (git.remoteUrl) labels['org.opencontainers.image.source'] = git.remoteUrl;
  if (values.version) labels['org.opencontainers.image.version'] = values.version;
  return labels;
}

const CACHE_MODES: readonly CacheMode[] = ['auto', 'registry', 'local', 'gha', 'none'];
const CHECK_MODES: readonly ServiceOptions['check'][] = ['warn', 'error', 'off'];
const SOURCE_DATE_MODES: readonly ServiceOptions['sourceDateMode'][] = ['zero', 'commit'];

/** The cache mode; `cache: false` is what a command line makes of `--no-cache`, so that gets its own hint. */
function cacheMode(raw: MultiarchExecutorSchema, read: OptionReader, problems: string[]): CacheMode {
  if ((raw as Record<string, unknown>).cache === false) {
    problems.push(
      "'cache' is false: on a command line --no-cache is read as cache=false; write --no-cache=true to build without the cache, or --cache=none",
    );
    return 'auto';
  }
  return read.choice('cache', CACHE_MODES) ?? 'auto';
}

/** Explicit cache-from / cache-to win, each on its own; otherwise the project's default cache. */
function explicitOrDefaultCache(mode: CacheMode, read: OptionReader, input: Omit<CacheInput, 'mode'>, problems: string[]) {
  if (mode === 'registry' && input.tags.length === 0 && read.wellTyped('tags'))
    problems.push("'cache: registry' names its cache after the image: set 'tags'");
  const defaults = defaultCache({ ...input, mode });
  const from = checkedEach(read.list('cache-from', 'line'), (spec) => checkCacheSpec('cache-from', spec), problems);
  const to = checkedEach(read.list('cache-to', 'line'), (spec) => checkCacheSpec('cache-to', spec), problems);
  return { cacheFrom: from.length ? from : defaults.cacheFrom, cacheTo: to.length ? to : defaults.cacheTo };
}

/** The entries as given, each checked (a problem each for those buildx would refuse). */
function checkedEach(entries: string[], check: (entry: string) => string | undefined, problems: string[]): string[] {
  for (const entry of entries) {
    const problem = check(entry);
    if (problem) problems.push(problem);
  }
  return entries;
}

/** Named contexts as `name=value`, each checked as buildx reads it. */
function buildContexts(read: OptionReader, problems: string[]): Record<string, string> {
  const contexts = parseKeyValues('build-contexts', read.list('build-contexts', 'line'), problems);
  for (const [name, value] of Object.entries(contexts)) {
    const problem = checkBuildContext(name, value);
    if (problem) problems.push(problem);
  }
  return contexts;
}

/** Provenance as text: `true`/`false` may be written as booleans (as bake and build-push-action take them). */
const provenanceOf = (raw: MultiarchExecutorSchema, read: OptionReader) =>
  typeof raw.provenance === 'boolean' ? String(raw.provenance) : read.text('provenance');

const toPosix = (p: string) => posix.normalize(p.replace(/\\/g, '/')).replace(/\/$/, '') || '.';

/**
 * Applies every default exactly once and checks every value, so nothing downstream re-defaults or
 * re-validates. Values come as users write them (Nx checks none of them: see schema.json's $comment):
 * every type is checked here, with the forms neighbouring tools use accepted. Throws InvalidOptionsError
 * listing all problems of the project. Pure: the file system is checked separately (see checkBuildInputs).
 */
export function normalizeOptions(raw: MultiarchExecutorSchema, project: ProjectRef, facts: RunFacts = currentFacts()): ServiceOptions {
  const { env, git } = facts;
  const problems = unknownOptionProblems(schema, raw, LIKELY_MEANT);
  const read = optionReader(schema, raw, problems);

  const projectRoot = toPosix(project.root || '.');
  const context = toPosix(read.text('context') ?? projectRoot);
  const file = toPosix(read.text('file') ?? posix.join(projectRoot, 'Dockerfile'));
  for (const [name, path] of [
    ['context', context],
    ['file', file],
  ]) {
    if (posix.isAbsolute(path) || path === '..' || path.startsWith('../')) {
      problems.push(`'${name}' (${path}) must be a path inside the workspace, relative to its root`);
    }
  }

  const requested = read.list('platforms', 'comma');
  const platforms = normalizePlatforms(requested, problems);
  if (requested.length === 0 && read.wellTyped('platforms')) {
    problems.push('\'platforms\' is empty: list at least one, e.g. ["linux/amd64", "linux/arm64"]');
  }

  const branch = git.branch ? sanitizeForTag(git.branch) : undefined;
  const values: TemplateValues = {
    projectName: renderedProjectName(project.name),
    version: project.version,
    sha: git.sha,
    shortSha: git.sha?.slice(0, 7),
    branch,
    date: facts.now.toISOString().slice(0, 10).replace(/-/g, ''),
  };
  const tags = read.list('tags', 'comma').map((t) => renderTemplate(undoNxProjectName(t, project.name), values, 'tag', problems));
  if (read.boolean('tag-latest') && git.branch === facts.defaultBranch) {
    for (const tag of [...tags]) {
      const latest = `${tag.replace(/@.*$/, '').replace(/:[^:/]*$/, '')}:latest`;
      if (!tags.includes(latest)) tags.push(latest);
    }
  }
  for (const tag of tags) {
    const problem = checkImageTag(tag);
    if (problem) problems.push(problem);
  }

  const push = read.boolean('push');
  const load = read.boolean('load');
  const outputs = checkedEach(read.list('outputs', 'line'), checkOutputSpec, problems);
  const pushByDigest = read.text('push-by-digest');
  // Checks that combine options are skipped when one of them was unreadable: its own problem says enough.
  if (push && tags.length === 0 && read.wellTyped('tags'))
    problems.push("'push' is true but 'tags' is empty: name at least one image to push to");
  if (pushByDigest !== undefined && (!push || tags.length === 0) && read.wellTyped('push', 'tags')) {
    problems.push("'push-by-digest' pushes by digest to the repository of the first tag: set 'push: true' and 'tags'");
  }
  if (!push && !load && outputs.length === 0 && read.wellTyped('push', 'load', 'outputs')) {
    problems.push("nothing would be produced: set 'push: true', 'load: true' or list 'outputs'");
  }

  const targetName = project.targetName ?? DEFAULT_TARGET;
  const cacheInput = { project: project.name, targetName, tags, platforms, push, branch: git.branch, defaultBranch: facts.defaultBranch };
  const userLabels = Object.fromEntries(
    Object.entries(parseKeyValues('labels', read.keyValues('labels'), problems)).map(([k, v]) => [
      k,
      renderTemplate(v, values, `label ${k}`, problems),
    ]),
  );
  const oci = read.boolean('oci-labels') ? ociLabels(values, git, facts.now) : {};
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
      Object.entries(parseKeyValues('build-args', read.keyValues('build-args'), problems)).map(([k, v]) => [
        k,
        interpolate(`build-arg ${k}`, v, env, problems),
      ]),
    ),
    labels: { ...oci, ...userLabels },
    ownLabels: Object.keys(oci).filter((key) => !(key in userLabels)),
    reproducible: read.boolean('reproducible'),
    sourceDateMode: read.choice('source-date-epoch', SOURCE_DATE_MODES) ?? 'zero',
    check: read.choice('check', CHECK_MODES) ?? 'warn',
    reuse: read.boolean('reuse'),
    reuseSalt: [read.text('reuse-salt') ?? '', env.CROSSBAKE_REUSE_SALT ?? ''],
    secrets: normalizeSecrets(read.list('secrets', 'line'), read.list('secret-files', 'line'), env, problems),
    ssh: checkedEach(read.list('ssh', 'line'), checkSshSpec, problems),
    buildContexts: buildContexts(read, problems),
    attest: attestations(provenanceOf(raw, read), read.boolean('sbom'), problems),
    target: read.text('target'),
    builder: read.text('builder') as string, // schema.json's default when unset or unreadable
    setup: read.boolean('setup'),
    ...explicitOrDefaultCache(cacheMode(raw, read, problems), read, cacheInput, problems),
    pull: read.boolean('pull'),
    noCache: read.boolean('no-cache'),
    outputs,
    strictEmulation: read.boolean('strict-emulation'),
    registries: checkRegistryLogins(read.objects('registries'), env, problems),
    pushByDigest: pushByDigest === undefined ? undefined : toPosix(pushByDigest),
    keepGoing: read.boolean('keep-going'),
    sign: normalizeSign(raw.sign, { push, pushByDigest: pushByDigest !== undefined, env }, problems),
  };
  if (problems.length > 0) throw new InvalidOptionsError(project.name, problems, options.id);
  return options;
}
