import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BASE_ENV_RULE, getCheckDefinition } from '../bake/check-definition';
import { BuilderMissingError, isReportable } from '../core/errors';
import { getBakeDefinition } from '../bake/definition';
import { getBakeEntitlements } from '../bake/entitlements';
import { assignTargetNames } from '../bake/target-names';
import type { TargetCheck } from '../docker/build-checks';
import type { DockerCli } from '../docker/docker-cli';
import type { ServiceOptions } from '../options/service-options';
import { distinctFindings, formatFinding } from '../results/checks';
import type { CheckFinding } from '../results/service-result';
import { taskLabel } from '../results/summary';
import type { BakeRun } from './bake-once';

/**
 * What the group's bake is about to be run with (its bake file, beside which the check's own goes; every task it
 * will build, since the checked ones may be linked to the others), and where to say what the check found.
 */
type CheckStep = Pick<BakeRun, 'workspaceRoot' | 'bakeFile' | 'builder' | 'services' | 'links' | 'reused'> & {
  log: (message: string) => void;
};

/** Why a `check: error` task is not built: its findings, or why its Dockerfile could not be checked. */
export interface CheckFailure {
  error: string;
  checks: CheckFinding[];
}

/** What the check says of one task: nothing when it passed. */
function verdict(s: ServiceOptions, check: TargetCheck | undefined, relinked: boolean): CheckFailure | undefined {
  if (!check) return { error: 'check: error, but buildx reported no check of its Dockerfile: nothing was built', checks: [] };
  if (check.error)
    return { error: `check: error, and its Dockerfile could not be checked; nothing was built:\n${check.error}`, checks: [] };
  // Against a stand-in for a sibling, a variable the sibling's ENV defines looks undefined: the build's own checks say.
  const findings = check.findings.filter((f) => !(relinked && f.rule === BASE_ENV_RULE));
  if (findings.length === 0) return undefined;
  const checks = distinctFindings(findings.map((f) => ({ ...f, file: s.file })));
  return {
    error: [
      `check: error: ${checks.length} build-check finding(s); nothing was built:`,
      ...checks.map((f) => `  ${formatFinding(f)}`),
    ].join('\n'),
    checks,
  };
}

/**
 * `check: error`: the Dockerfiles of those tasks are checked in one `bake --call check` before the bake, and a
 * task with any finding (or whose Dockerfile could not be checked, e.g. a base image not there) is that task's
 * failure alone. A check call that gives no answer at all fails the checked tasks only.
 */
export async function checkBeforeBuilding(cli: DockerCli, step: CheckStep): Promise<Map<string, CheckFailure>> {
  const gated = step.services.filter((s) => s.check === 'error');
  const failures = new Map<string, CheckFailure>();
  if (gated.length === 0) return failures;

  const names = assignTargetNames(step.services);
  const full = getBakeDefinition(step.services, names, step.links, { dockerDriver: step.builder.isContext }, step.reused);
  const bakeFile = step.bakeFile.replace(/(\.json)?$/, '.check.json');
  const standIn = join(dirname(resolve(step.workspaceRoot, bakeFile)), 'check-stand-in');
  mkdirSync(standIn, { recursive: true });
  const targets = gated.map((s) => names.get(s.id)!);
  const { definition, relinked } = getCheckDefinition(full, targets, standIn);
  writeFileSync(resolve(step.workspaceRoot, bakeFile), `${JSON.stringify(definition, null, 2)}\n`);

  const started = Date.now();
  let checks: Map<string, TargetCheck>;
  try {
    checks = await cli.bakeCheck(
      { bakeFile, builder: step.builder, cwd: step.workspaceRoot, entitlements: getBakeEntitlements(definition, step.workspaceRoot) },
      targets,
    );
  } catch (e) {
    // A builder that is gone is the group's to set up again; anything else we did not raise is a bug.
    if (!isReportable(e) || e instanceof BuilderMissingError) throw e;
    const error = `check: error, but the build checks could not run; nothing was built:\n${e.message}`;
    for (const s of gated) failures.set(s.id, { error, checks: [] });
    return failures;
  }
  for (const s of gated) {
    const name = names.get(s.id)!;
    const failure = verdict(s, checks.get(name), relinked.has(name));
    if (failure) failures.set(s.id, failure);
  }
  const failed = gated.filter((s) => failures.has(s.id)).map((s) => taskLabel({ ...s, task: s.id }));
  step.log(
    `nx-crossbake: build checks (check: error) of ${gated.length} task(s) in ${((Date.now() - started) / 1000).toFixed(1)}s: ` +
      (failed.length ? `${failed.join(', ')} not built` : 'no findings'),
  );
  return failures;
}
