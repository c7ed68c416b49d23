/**
 * Dockerfile build checks found during a build, in the metadata file's `buildx.build.warnings` (written when
 * BUILDX_METADATA_WARNINGS=1): BuildKit's warnings, deduplicated across the bake's targets and keyed by build
 * vertex, not by target. Each carries the Dockerfile it is about (`sourceInfo.data`), which is how a finding
 * finds its tasks. (Checks run before building are read by docker/build-checks.ts.)
 */
import type { BuildCheck as Finding } from '../docker/build-checks';
import type { CheckFinding } from './service-result';

/** A BuildKit warning as the metadata file holds it (`client.VertexWarning`, byte fields in base64). */
interface VertexWarning {
  short?: string;
  url?: string;
  sourceInfo?: { filename?: string; data?: string };
  range?: { start?: { line?: number } }[];
}

const fromBase64 = (text: string | undefined) => (text ? Buffer.from(text, 'base64').toString('utf8') : '');

/**
 * The build warnings of a metadata file, each with the Dockerfile text it is about. BuildKit writes a check's
 * short text as `<rule>: <message> (line N)` (its linter's short format); other warnings have no rule.
 */
export function parseMetadataWarnings(json: string): { dockerfile: string; finding: Finding }[] {
  const warnings = (JSON.parse(json) as Record<string, unknown>)['buildx.build.warnings'];
  if (!Array.isArray(warnings)) return [];
  return (warnings as VertexWarning[]).flatMap((w) => {
    const match = /^(\w+): ([\s\S]*?)(?: \(line \d+\))?$/.exec(fromBase64(w.short).trim());
    if (!match || !w.sourceInfo?.data) return [];
    const line = w.range?.[0]?.start?.line;
    return [{ dockerfile: fromBase64(w.sourceInfo.data), finding: { rule: match[1], message: match[2], line, url: w.url } }];
  });
}

/** Each finding once, in line order. */
export function distinctFindings<T extends Finding>(findings: readonly T[]): T[] {
  const seen = new Map(findings.map((f) => [`${f.rule}\0${f.line}\0${f.message}`, f]));
  return [...seen.values()].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** `FromAsCasing at Dockerfile:1: 'as' and 'FROM' keywords' casing do not match (https://docs.docker.com/…)` */
export const formatFinding = (f: CheckFinding) =>
  `${f.rule} at ${f.file}${f.line ? `:${f.line}` : ''}: ${f.message}${f.url ? ` (${f.url})` : ''}`;

// buildx's error when a Dockerfile's own `# check=error=true` (or a BUILDKIT_DOCKERFILE_CHECK build arg) failed it.
const LINT_VIOLATION = /lint violation found for rules: ([\w, ]+)/;

/** A failed task's error, with what to do when the Dockerfile's own check directive is what failed it. */
export function withCheckDirectiveHint(error: string): string {
  const rules = LINT_VIOLATION.exec(error)?.[1];
  if (!rules) return error;
  return (
    `${error}\nhint: the Dockerfile's own \`# check=error=true\` directive fails its build on any build-check finding, whatever ` +
    `the \`check\` option says (as plain buildx does): fix ${rules.trim()}, skip it in the directive (\`# check=skip=<rule>;error=true\`), or set \`check: off\``
  );
}
