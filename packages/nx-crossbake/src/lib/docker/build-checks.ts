/**
 * `bake --call check,format=json`: the Dockerfile build checks of each target, without building it. Per target,
 * `check.warnings` (the findings) and, when the check could not run for that target (a base image not found),
 * `check.error`.
 */

/** One finding of a build-check rule, as buildx reports it. */
export interface BuildCheck {
  /** `FromAsCasing`, `SecretsUsedInArgOrEnv`, `UndefinedVar`, … */
  rule: string;
  /** What buildx says of this occurrence. */
  message: string;
  /** The Dockerfile line the rule points at, when it names one. */
  line?: number;
  /** The rule's page in Docker's docs. */
  url?: string;
}

/** One target's check, as `bake --call check,format=json` prints it. */
export interface TargetCheck {
  findings: BuildCheck[];
  /** The check could not run for this target (a base image or named context it cannot resolve). */
  error?: string;
}

interface CheckWarning {
  ruleName?: string;
  detail?: string;
  description?: string;
  url?: string;
  location?: { ranges?: { start?: { line?: number } }[] };
}

/** The checks of `bake --call check,format=json`'s stdout, by bake target. Throws when it is not that JSON. */
export function parseCheckCall(stdout: string): Map<string, TargetCheck> {
  const out = JSON.parse(stdout) as { target?: Record<string, { check?: { warnings?: CheckWarning[] | null; error?: string } }> };
  if (typeof out.target !== 'object' || out.target === null) throw new Error('no "target" object');
  const checks = new Map<string, TargetCheck>();
  for (const [target, { check }] of Object.entries(out.target)) {
    if (!check) continue;
    const findings = (check.warnings ?? []).map((w) => ({
      rule: w.ruleName ?? 'check',
      message: w.detail || w.description || '',
      line: w.location?.ranges?.[0]?.start?.line,
      url: w.url,
    }));
    checks.set(target, { findings, error: check.error?.trim() || undefined });
  }
  return checks;
}
