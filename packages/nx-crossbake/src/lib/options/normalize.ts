import { posix } from 'node:path';
import schema from '../../executors/multiarch/schema.json';
import type { MultiarchExecutorSchema } from '../../executors/multiarch/schema';
import { InvalidOptionsError } from '../errors';
import type { ServiceOptions } from './service-options';
import { attestations, interpolate, normalizeSecrets, type Env } from './build-inputs';
import { readOption, unknownOptionProblems } from './schema-options';
import { checkImageTag, checkPlatform, parseKeyValues } from './validators';

export interface ProjectRef {
  name: string;
  /** Workspace-relative root of the project, e.g. `apps/api`. */
  root: string;
}

const option = <K extends keyof MultiarchExecutorSchema>(raw: MultiarchExecutorSchema, name: K) =>
  readOption<NonNullable<MultiarchExecutorSchema[K]>>(schema, raw, name);

// Names people bring from `docker build` or docker/build-push-action.
const LIKELY_MEANT: Record<string, string> = { dockerfile: 'file', platform: 'platforms', tag: 'tags', 'build-arg': 'build-args', label: 'labels', output: 'outputs' };

const toPosix = (p: string) => posix.normalize(p.replace(/\\/g, '/')).replace(/\/$/, '') || '.';

/**
 * Applies every default exactly once and checks every value, so nothing downstream re-defaults or
 * re-validates. Throws InvalidOptionsError listing all problems of the project. Pure: the file system is
 * checked separately (see checkBuildInputs).
 */
export function normalizeOptions(raw: MultiarchExecutorSchema, project: ProjectRef, env: Env = process.env): ServiceOptions {
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

  const tags = option(raw, 'tags');
  for (const tag of tags) {
    const problem = checkImageTag(tag);
    if (problem) problems.push(problem);
  }

  const push = option(raw, 'push');
  const load = option(raw, 'load');
  const outputs = option(raw, 'outputs');
  if (push && tags.length === 0) problems.push("'push' is true but 'tags' is empty: name at least one image to push to");
  if (!push && !load && outputs.length === 0) {
    problems.push("nothing would be produced: set 'push: true', 'load: true' or list 'outputs'");
  }

  const options: ServiceOptions = {
    project: project.name,
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
    labels: parseKeyValues('labels', option(raw, 'labels'), problems),
    secrets: normalizeSecrets(option(raw, 'secrets'), option(raw, 'secret-files'), env, problems),
    ssh: option(raw, 'ssh'),
    buildContexts: parseKeyValues('build-contexts', option(raw, 'build-contexts'), problems),
    attest: attestations(raw.provenance, option(raw, 'sbom'), problems),
    target: raw.target,
    builder: option(raw, 'builder'),
    setup: option(raw, 'setup'),
    cacheFrom: option(raw, 'cache-from'),
    cacheTo: option(raw, 'cache-to'),
    pull: option(raw, 'pull'),
    noCache: option(raw, 'no-cache'),
    outputs,
    strictEmulation: option(raw, 'strict-emulation'),
  };
  if (problems.length > 0) throw new InvalidOptionsError(project.name, problems);
  return options;
}
