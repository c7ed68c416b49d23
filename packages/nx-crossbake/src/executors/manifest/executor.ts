import { isAbsolute, join } from 'node:path';
import { logger, type ExecutorContext } from '@nx/devkit';
import multiarchSchema from '../../lib/options/schemas/multiarch.json';
import { DockerCli } from '../../lib/docker/docker-cli';
import { CrossbakeError } from '../../lib/core/errors';
import { planManifests, readDigestFiles } from '../../lib/results/digests';
import { toStringList } from '../../lib/options/coerce';
import { readExecutorOptions } from '../../lib/options/executor-options';
import { normalizePlatforms } from '../../lib/docker/platforms';
import { DEFAULT_TARGET } from '../../lib/core/executor-names';
import schema from '../../lib/options/schemas/manifest.json';
import { traceFor } from '../verbose';
import { executorResult } from '../executor-result';
import type { ManifestExecutorSchema } from '../../lib/options/schemas/manifest';

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
    for (const plan of plans) {
      if (print) {
        logger.info(cli.imagetoolsCreateCommandLine(plan));
        continue;
      }
      await cli.imagetoolsCreate(plan);
      logger.info(`nx-crossbake: ${plan.project}: ${plan.tags.join(', ')} → one manifest list for ${plan.platforms.join(', ')}`);
    }
    return true;
  });
}
