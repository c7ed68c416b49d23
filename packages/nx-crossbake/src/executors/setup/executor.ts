import { logger, type ExecutorContext } from '@nx/devkit';
import { normalizeBuilderSpec } from '../../lib/builder/builder-spec';
import { ensureBuilder, removeBuilder } from '../../lib/builder/ensure-builder';
import { DockerCli } from '../../lib/docker/docker-cli';
import { readOption } from '../../lib/options/schema-options';
import { formatSeconds } from '../../lib/results/summary';
import { workspaceRegistriesFinder } from '../multiarch/tasks';
import { traceFor } from '../verbose';
import { executorResult } from '../executor-result';
import type { SetupExecutorSchema } from '../../lib/options/schemas/setup';
import schema from '../../lib/options/schemas/setup.json';
import { userStateStore } from '../../lib/core/state-file';

/** `nx run <project>:docker-setup`: make the shared builder ready (or, with remove, tear it down). */
export default async function setupExecutor(options: SetupExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const started = Date.now();
  const cli = new DockerCli(undefined, { trace: traceFor(context) });
  const log = (message: string) => logger.info(message);
  return executorResult(async () => {
    // Options arrive as users wrote them (the schema lets Nx accept anything): "yes" is refused, never true.
    const remove = readOption<boolean>(schema, options, 'remove');
    const removeState = readOption<boolean>(schema, options, 'remove-state');
    const { remove: _remove, 'remove-state': _removeState, ...builderOptions } = options;
    const spec = normalizeBuilderSpec(builderOptions);
    if (remove) {
      const removed = await removeBuilder(cli, spec, removeState, userStateStore());
      log(
        `nx-crossbake: builder '${spec.name}' ${removed ? `removed${removeState ? ' with its state' : ' (state kept)'}` : 'did not exist'}`,
      );
      return true;
    }
    // The same reading of the workspace as every multiarch run's, so both plan the same builder.
    const registries = workspaceRegistriesFinder(context)(spec.name);
    // With the user's readiness records: a builder this target creates or recreates is checked afresh by runs.
    const facts = await ensureBuilder(cli, spec, { workspaceRoot: context.root, log, state: userStateStore() }, { registries });
    const platforms = [...new Set(facts.builder.nodes.flatMap((n) => n.platforms))];
    const network = facts.builder.nodes[0]?.driverOpts.network;
    log(
      `nx-crossbake: builder '${spec.name}' ready (driver ${facts.builder.driver}${network ? `, network ${network}` : ''}, ` +
        `${facts.created ? 'created' : facts.recreated ? 'recreated' : 'reused'}` +
        `${facts.emulatorsInstalled.length ? `, QEMU registered for ${facts.emulatorsInstalled.join(', ')}` : ''}) ` +
        `in ${formatSeconds(Date.now() - started)}; serves ${platforms.join(', ')}`,
    );
    // Creating it said why already; setup run on a builder in place says it too, since it was asked.
    if (facts.hostNetworkReason && !facts.created && !facts.recreated) log(`nx-crossbake: ${facts.hostNetworkReason}`);
    // The builder is usable for the rest; this target still fails, since it was asked for these too.
    for (const reason of new Set(facts.unavailable.values())) logger.error(`nx-crossbake: ${reason}`);
    return facts.unavailable.size === 0;
  });
}
