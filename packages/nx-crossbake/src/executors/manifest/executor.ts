import { isAbsolute, join } from 'node:path';
import { logger, type ExecutorContext } from '@nx/devkit';
import multiarchSchema from '../../lib/options/schemas/multiarch.json';
import { DockerCli } from '../../lib/docker/docker-cli';
import { CrossbakeError } from '../../lib/core/errors';
import { planManifests, readDigestFiles, type ManifestPlan } from '../../lib/results/digests';
import { CosignCli } from '../../lib/cosign/cosign-cli';
import { makeRunDir } from '../../lib/core/private-dirs';
import { normalizeOptions } from '../../lib/options/normalize';
import type { MultiarchExecutorSchema } from '../../lib/options/schemas/multiarch';
import { exec } from '../../lib/process/exec';
import { createRegistryClient } from '../../lib/registry/client';
import { prepareManifestSigning } from '../../lib/run/sign-manifests';
import { toStringList } from '../../lib/options/coerce';
import { readExecutorOptions } from '../../lib/options/executor-options';
import { normalizePlatforms } from '../../lib/docker/platforms';
import { DEFAULT_TARGET } from '../../lib/core/executor-names';
import schema from '../../lib/options/schemas/manifest.json';
import { traceFor } from '../verbose';
import { executorResult } from '../executor-result';
import type { ManifestExecutorSchema } from '../../lib/options/schemas/manifest';

/** A list's options as its project's multiarch target gives them (its `sign`), with the tags the runners recorded. */
function listOptions(context: ExecutorContext, plan: ManifestPlan) {
  const project = context.projectsConfigurations.projects[plan.project];
  const raw = (project?.targets?.[plan.targetName]?.options ?? {}) as MultiarchExecutorSchema;
  return normalizeOptions(
    { ...raw, tags: plan.tags, push: true, 'push-by-digest': undefined, registries: undefined },
    { name: plan.project, root: project?.root ?? '.', targetName: plan.targetName },
  );
}

/** `nx run <root>:docker-manifest`: one tagged manifest list per project from every runner's digests. */
export default async function manifestExecutor(options: ManifestExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return executorResult(async () => {
    const { target, digests, print } = readExecutorOptions('docker-manifest', schema, options, (r) => ({
      target: r.text('target')!,
      digests: r.list('digests', 'line'),
      print: r.boolean('print'),
    }));
    const dirs = digests.map((d) => (isAbsolute(d) ? d : join(context.root, d)));
    const records = readDigestFiles(dirs);
    if (records.length === 0)
      throw new CrossbakeError(`no digest files in ${dirs.join(', ')}: run multiarch with push-by-digest on each runner first`);
    // Read and normalized as the build read them, so they compare with the platforms in the digest files.
    // Each record names the multiarch target that pushed it; files of earlier versions, the one of 'target'.
    const expected = (project: string, recordTarget: string) => {
      const written =
        context.projectsConfigurations.projects[project]?.targets?.[recordTarget === DEFAULT_TARGET ? target : recordTarget]?.options
          ?.platforms;
      return normalizePlatforms(toStringList('platforms', written, 'comma', []) ?? multiarchSchema.properties.platforms.default, []);
    };
    const { plans, problems } = planManifests(records, expected);
    if (problems.length) throw new CrossbakeError(`refusing to create manifest lists:\n${problems.map((p) => `  - ${p}`).join('\n')}`);

    const cli = new DockerCli(undefined, { trace: traceFor(context) });
    if (print) {
      for (const plan of plans) logger.info(cli.imagetoolsCreateCommandLine(plan));
      return true;
    }
    // The projects' `sign`: keys checked before any list is created; each list signed once created.
    const signing = await prepareManifestSigning(
      new CosignCli(exec, { trace: traceFor(context) }),
      createRegistryClient({ env: process.env, exec }),
      plans,
      (plan) => listOptions(context, plan),
      { workspaceRoot: context.root, runDir: makeRunDir(context.root), env: process.env },
    );
    let signed = true;
    for (const plan of plans) {
      await cli.imagetoolsCreate(plan);
      logger.info(`nx-crossbake: ${plan.project}: ${plan.tags.join(', ')} → one manifest list for ${plan.platforms.join(', ')}`);
      const { line, problem } = await signing.sign(plan);
      if (line) logger.info(`nx-crossbake: ${line}`);
      if (problem) logger.error(`nx-crossbake: ${problem}`);
      signed &&= problem === undefined;
    }
    return signed;
  });
}
