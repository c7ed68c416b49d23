import { logger, type ExecutorContext } from '@nx/devkit';
import { findAffectedProjects, projectsWithExecutor } from '../../lib/affected/affected-services';
import { buildServices } from '../../lib/run/build-services';
import type { MultiarchExecutorSchema } from '../../lib/options/schemas/multiarch';
import { runInputs } from '../multiarch/tasks';
import { readExecutorOptions } from '../../lib/options/executor-options';
import schema from '../../lib/options/schemas/affected.json';
import type { AffectedExecutorSchema } from '../../lib/options/schemas/affected';
import { MULTIARCH_EXECUTOR } from '../../lib/core/executor-names';
import { executorResult, reportTask } from '../executor-result';

/** `nx run <root>:docker-affected`: the images whose inputs changed since base, in one bake. */
export default async function affectedExecutor(options: AffectedExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return executorResult(async () => {
    const read = readExecutorOptions('docker-affected', schema, options, (r) => ({
      base: r.text('base'),
      head: r.text('head'),
      target: r.text('target')!,
      print: r.boolean('print'),
    }));
    const base = read.base ?? process.env.NX_BASE ?? context.nxJsonConfiguration?.defaultBase ?? 'main';
    const head = read.head ?? process.env.NX_HEAD;
    const { target } = read;
    const { graph, affected, selection, notices } = await findAffectedProjects(
      { workspaceRoot: context.root, base, head, nxJson: context.nxJsonConfiguration ?? {}, graph: context.projectGraph },
      target,
    );
    for (const notice of notices) logger.warn(`nx-crossbake: ${notice}`);
    const withImages = new Set(projectsWithExecutor(graph, target, MULTIARCH_EXECUTOR));
    const projects = affected.filter((p) => withImages.has(p));
    const range = `${base}...${head ?? 'working tree'}; ${selection}`;
    if (projects.length === 0) {
      logger.info(`nx-crossbake: no project with a '${target}' target is affected (${range}): nothing to build`);
      return true;
    }
    logger.info(`nx-crossbake: affected (${range}): ${projects.join(', ')}`);

    const requests = projects.map((name) => ({
      id: `${name}:${target}`,
      project: { name, root: graph.nodes[name].data.root, targetName: target },
      options: (graph.nodes[name].data.targets?.[target]?.options ?? {}) as MultiarchExecutorSchema,
    }));
    const results = await buildServices({ ...runInputs(context), requests, print: read.print });
    // Every failure is logged, not only the first.
    return [...results.values()].map(reportTask).every(Boolean);
  });
}
