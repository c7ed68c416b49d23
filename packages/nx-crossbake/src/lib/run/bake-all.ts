import type { DockerCli } from '../docker/docker-cli';
import type { ServiceOptions } from '../options/service-options';
import type { ServiceResult } from '../results/service-result';
import { taskLabel } from '../results/summary';
import { bakeOnce, type BakeRun } from './bake-once';

const suffixed = (file: string, label: string) => file.replace(/\.json$/, `.${label}.json`);

/**
 * The tasks that must be baked together: a task and the siblings it is built FROM in this bake (linked by
 * `target:` contexts). Baking a dependent without its base would build it on the published, stale base.
 */
function linkedUnits(services: readonly ServiceOptions[], links: BakeRun['links'] = new Map()): ServiceOptions[][] {
  const unitOf = new Map(services.map((s) => [s.id, s.id]));
  const find = (id: string): string => (unitOf.get(id) === id ? id : find(unitOf.get(id)!));
  for (const s of services) {
    for (const sibling of Object.values(links.get(s.id) ?? {})) if (unitOf.has(sibling)) unitOf.set(find(s.id), find(sibling));
  }
  const units = new Map<string, ServiceOptions[]>();
  for (const s of services) units.set(find(s.id), [...(units.get(find(s.id)) ?? []), s]);
  return [...units.values()];
}

/**
 * Bakes the services and reports every one honestly.
 * - A bake refused as a whole, naming no target (an entitlement, a bad attribute, a malformed CSV), is
 *   baked again one linked unit at a time, so the refusal lands on the task that caused it.
 * - Bake stops all targets at the first failure; when every service keeps going, the targets it cancelled
 *   are baked again without the failed ones, until none is cancelled. A dependent whose sibling base
 *   failed is not retried: it would build on a stale base.
 */
export async function bakeAll(
  cli: DockerCli,
  run: BakeRun,
  log: (message: string) => void = () => undefined,
  // Wraps each bake, so the run counts and times every one of them, retries included.
  each: <T>(bake: () => Promise<T>) => Promise<T> = (bake) => bake(),
): Promise<ServiceResult[]> {
  const results = new Map<string, ServiceResult>();
  const record = (outcome: { results: ServiceResult[] }) => outcome.results.forEach((r) => results.set(r.task, r));
  const bakeAgain = (services: readonly ServiceOptions[], label: string) =>
    each(() =>
      bakeOnce(cli, { ...run, services, bakeFile: suffixed(run.bakeFile, label), metadataFile: suffixed(run.metadataFile, label) }),
    );

  const first = await each(() => bakeOnce(cli, run));
  record(first);
  const units = linkedUnits(run.services, run.links);
  if (first.wholeBake && units.length > 1) {
    log(`nx-crossbake: bake failed without naming a target; baking each of ${units.length} units alone to find which task caused it`);
    for (const [i, unit] of units.entries()) record(await bakeAgain(unit, `isolated-${i + 1}`));
  }

  const keepGoing = run.services.every((s) => s.keepGoing);
  // What bake cancelled after its target ended may be told done already: its confirmation comes first.
  if (keepGoing) await run.finished?.settled();
  // Failures already announced as a cause: a later round names only its new ones.
  const announced = new Set<string>();
  for (let attempt = 1; keepGoing; attempt++) {
    const failed = new Set([...results.values()].filter((r) => r.status === 'failed').map((r) => r.task));
    const cancelled = run.services.filter((s) => results.get(s.id)!.status === 'cancelled' && !run.finished?.has(s.id));
    if (failed.size === 0 || cancelled.length === 0) break;
    const retry = cancelled.filter((s) => {
      const base = Object.values(run.links?.get(s.id) ?? {}).find((task) => failed.has(task));
      if (base)
        Object.assign(results.get(s.id)!, {
          status: 'failed',
          error: `not built: it is built FROM '${taskLabel(results.get(base)!)}', which failed`,
        });
      return !base;
    });
    if (retry.length === 0) break;
    const labels = (tasks: Iterable<string>) => [...tasks].map((task) => taskLabel(results.get(task)!)).join(', ');
    const causes = [...failed].filter((task) => !announced.has(task) && results.get(task)!.error?.startsWith('not built:') !== true);
    causes.forEach((task) => announced.add(task));
    const them = causes.length === 1 ? 'it' : 'them';
    log(
      `nx-crossbake: ${labels(causes)} failed, and bake stopped ${retry.length} other task(s) with ${them}: baking ${labels(retry.map((s) => s.id))} again, without ${them}`,
    );
    record(await bakeAgain(retry, `retry-${attempt}`));
  }
  return run.services.map((s) => results.get(s.id)!);
}
