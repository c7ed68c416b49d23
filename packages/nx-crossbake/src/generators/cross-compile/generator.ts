import { logger, readNxJson, readProjectConfiguration, type ProjectConfiguration, type Tree } from '@nx/devkit';
import { crossCompileDockerfile } from './rewrite/cross-compile';
import { findPluginEntry, pluginOptionsOf } from '../../lib/graph/plugin-entry';
import { treeBuildContext } from './build-context';
import { findCgoUse } from './cgo-source';
import { unifiedDiff } from './line-diff';
import type { CrossCompileGeneratorSchema } from './schema';
import { inferredTargetName, readTargetInputs } from './target-inputs';
import { DEFAULT_TARGET } from '../../lib/core/executor-names';
import type { PackageRecords, PackageVersion } from '../../lib/npm-registry/package-record';
import { DEFAULT_NPM_REGISTRY, readPackageRecords, recordKey } from '../../lib/npm-registry/read-records';

const NAME = 'nx-crossbake:cross-compile';

function readProject(tree: Tree, name: string): ProjectConfiguration {
  try {
    return readProjectConfiguration(tree, name);
  } catch {
    throw new Error(`${NAME}: no project '${name}' is defined in a project.json or package.json: check the name with \`nx show projects\``);
  }
}

/**
 * `nx g nx-crossbake:cross-compile --project=<name>`: the advisor's Go compiles, and the Node installs whose
 * lockfile proves node_modules platform-independent, moved to the build platform.
 */
export default async function crossCompileGenerator(tree: Tree, raw: CrossCompileGeneratorSchema): Promise<void> {
  if (raw.npmRegistry !== undefined && !/^https?:$/.test(URL.canParse(raw.npmRegistry) ? new URL(raw.npmRegistry).protocol : ''))
    throw new Error(`${NAME}: --npmRegistry '${raw.npmRegistry}' is not an http(s) URL, such as https://registry.npmjs.org/`);
  const nxJson = readNxJson(tree);
  const plugin = findPluginEntry(nxJson) ? pluginOptionsOf(nxJson) : undefined;
  const targetName = raw.target ?? inferredTargetName(plugin) ?? DEFAULT_TARGET;
  const project = readProject(tree, raw.project);
  const inputs = readTargetInputs(tree, project, targetName, plugin);
  if (typeof inputs === 'string') throw new Error(`${NAME}: ${inputs}`);
  const before = tree.read(inputs.dockerfile, 'utf-8');
  if (before === null) throw new Error(`${NAME}: ${raw.project}:${targetName} builds ${inputs.dockerfile}, which does not exist`);

  const options = { platforms: inputs.platforms, cgo: findCgoUse(tree, inputs.context), context: treeBuildContext(tree, inputs.context) };
  // A first pass learns which pinned versions the lockfiles leave undescribed; only those are read.
  const wanted: PackageVersion[] = [];
  const skipped = 'the generator ran with --skipRegistry';
  let result = crossCompileDockerfile(before, {
    ...options,
    records: { get: (v) => (wanted.push(v), raw.skipRegistry ? skipped : undefined) },
  });
  if (wanted.length > 0 && !raw.skipRegistry) {
    const registry = raw.npmRegistry ?? DEFAULT_NPM_REGISTRY;
    const started = Date.now();
    const read = await readPackageRecords(wanted, { registry });
    const missing = [...read.values()].filter((r) => typeof r === 'string');
    logger.info(
      `${NAME}: asked ${new URL(registry).host} for ${read.size} pinned versions in ${((Date.now() - started) / 1000).toFixed(1)} s, for what the lockfile does not record: ${read.size - missing.length} records read${missing.length ? `, ${missing.length} not (${missing[0]})` : ''}`,
    );
    const records: PackageRecords = { get: (v) => read.get(recordKey(v)) };
    result = crossCompileDockerfile(before, { ...options, records });
  }
  for (const step of result.rewritten) {
    logger.info(`${NAME}: ${inputs.dockerfile}:${step.line} ${step.tool} now runs in stage '${step.buildStage}' on the build platform`);
    for (const note of step.notes) logger.warn(`${NAME}: ${inputs.dockerfile}:${step.line} ${step.tool}: ${note}`);
  }
  for (const step of result.kept) logger.info(`${NAME}: ${inputs.dockerfile}:${step.line} ${step.tool} left as it is: ${step.reason}`);
  for (const step of result.skipped) logger.warn(`${NAME}: ${inputs.dockerfile}:${step.line} ${step.tool} not rewritten: ${step.reason}`);
  if (result.dockerfile === before) {
    logger.info(
      `${NAME}: ${inputs.dockerfile}: nothing to rewrite${result.skipped.length ? '' : ': no compile step runs on the target platform'}`,
    );
    return;
  }
  logger.info(unifiedDiff(inputs.dockerfile, before, result.dockerfile));
  tree.write(inputs.dockerfile, result.dockerfile);
}
