/**
 * docker/metadata-action's `{{…}}` expressions (handlebars, src/meta.ts setGlobalExp) as nx-crossbake tag
 * templates (lib/options/templates.ts), where a template computes the same text, and its tag sanitising.
 */

/** metadata-action's Meta.sanitizeTag: every run of characters a tag cannot hold becomes one `-` (case is kept). */
const sanitizeLikeMetadataAction = (text: string) => text.replace(/[^a-zA-Z0-9._-]+/g, '-');

/** What `{branch}` does differently from metadata-action's branch name: said once in the report. */
export const BRANCH_DIFFERENCE =
  "{branch} is not quite metadata-action's branch: it is lower-cased and loses leading '.'/'-' (metadata-action keeps case: " +
  "'Feature/Login' gave 'Feature-Login', now 'feature-login'), and where metadata-action made no branch tag (tag and pull-request " +
  "builds, whose ref is no branch) {branch} is the CI's ref name (BRANCH_NAME, GITHUB_HEAD_REF, GITHUB_REF_NAME, …), or the build stops when there is none";

const DATE_FORMAT = /^date\s+(['"])YYYYMMDD\1(?:\s+tz=(['"])(?:UTC|Etc\/UTC)\2)?$/;

/** One expression, inside `{{ }}`, as a template; undefined when none computes the same text. */
function templateOf(expression: string): string | undefined {
  if (expression === 'branch') return '{branch}';
  // metadata-action's {{sha}} is the short sha, 7 characters (DOCKER_METADATA_SHORT_SHA_LENGTH aside), as {shortSha}.
  if (expression === 'sha') return '{shortSha}';
  // Both in UTC: metadata-action's default tz, and {date}'s.
  if (DATE_FORMAT.test(expression)) return '{date}';
  return undefined;
}

export type Translation = { template: string; usesBranch: boolean } | { reason: string };

/**
 * Text of a tag attribute (value, prefix, suffix) as a template: each expression translated, the literal text
 * sanitised as metadata-action sanitises the whole tag. A literal needs no escaping: `{` and `}` are sanitised away.
 */
export function translateExpressions(text: string): Translation {
  let template = '';
  let usesBranch = false;
  let rest = text;
  for (let open = rest.indexOf('{{'); open >= 0; open = rest.indexOf('{{')) {
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) break;
    const expression = rest.slice(open + 2, close).trim();
    const translated = templateOf(expression);
    if (translated === undefined) {
      return {
        reason: `{{${expression}}} has no nx-crossbake template (known: {{branch}} → {branch}, {{sha}} → {shortSha}, {{date 'YYYYMMDD'}} → {date})`,
      };
    }
    usesBranch ||= expression === 'branch';
    template += sanitizeLikeMetadataAction(rest.slice(0, open)) + translated;
    rest = rest.slice(close + 2);
  }
  return { template: template + sanitizeLikeMetadataAction(rest), usesBranch };
}
