import { csvFields } from './csv-fields';
import { translateExpressions, type Translation } from './metadata-expressions';

/**
 * One docker/metadata-action `tags` rule (README "tags input", src/tag.ts Parse): its type and attributes with
 * metadata-action's defaults, as an nx-crossbake tag template, or why it cannot be one.
 */
interface TagRule {
  entry: string;
  type: string;
  attrs: Record<string, string>;
}

// src/tag.ts DefaultPriorities: the higher, the earlier in the tag list.
const DEFAULT_PRIORITY: Record<string, number> = {
  schedule: 1000,
  semver: 900,
  pep440: 900,
  match: 800,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100,
};

/** Rules whose tag depends on the CI event: a template would push them on every build (e.g. `:1.2.3` on a branch). */
const EVENT_BOUND: Record<string, string> = {
  schedule: 'tags only scheduled builds',
  semver: 'tags only git tag builds whose tag is a semver version',
  pep440: 'tags only git tag builds whose tag is a PEP 440 version',
  match: 'tags only builds whose git tag (or value) matches its pattern',
  edge: "tags only builds of the default branch (or its 'branch')",
  'ref,event=tag': 'tags only git tag builds, with the tag name',
  'ref,event=pr': 'tags only pull-request builds, with the pull request number',
};

/** The `flavor` prefix and suffix, applied by metadata-action to a rule without its own. */
export interface FlavorAffixes {
  prefix: string;
  suffix: string;
}

type RuleConversion =
  { kind: 'tag'; template: string; priority: number; usesBranch: boolean } | { kind: 'off' } | { kind: 'unsupported'; reason: string };

/** Parse as metadata-action does: fields split at their first `=`, a field without one is the value, keys lower-cased. */
export function parseTagRule(entry: string): TagRule {
  const attrs: Record<string, string> = {};
  let type = 'raw';
  for (const field of csvFields(entry)) {
    const eq = field.indexOf('=');
    if (eq < 0) attrs.value = field;
    else if (field.slice(0, eq).trim().toLowerCase() === 'type') type = field.slice(eq + 1).trim();
    else attrs[field.slice(0, eq).trim().toLowerCase()] = field.slice(eq + 1).trim();
  }
  if (type === 'sha') attrs.prefix ??= 'sha-';
  if (type === 'sha') attrs.format ??= 'short';
  if (type === 'ref' && attrs.event === 'pr') attrs.prefix ??= 'pr-';
  return { entry, type, attrs };
}

/** The rule's own value as a template, before prefix and suffix; or why it has none known ahead of the build. */
function valueOf(rule: TagRule): Translation {
  const { type, attrs } = rule;
  const bound = EVENT_BOUND[type] ?? (type === 'ref' ? EVENT_BOUND[`ref,event=${attrs.event}`] : undefined);
  if (bound) {
    const name = type === 'ref' ? `ref,event=${attrs.event}` : type;
    return {
      reason: `type=${name} ${bound}: nx-crossbake tags have no such condition, so it is not converted (tag those builds with a configuration of their own)`,
    };
  }
  if (type === 'ref' && attrs.event === 'branch') return { template: '{branch}', usesBranch: true };
  // metadata-action's short sha is 7 characters (unless DOCKER_METADATA_SHORT_SHA_LENGTH is set), as {shortSha}.
  if (type === 'sha' && attrs.format === 'short') return { template: '{shortSha}', usesBranch: false };
  if (type === 'sha' && attrs.format === 'long') return { template: '{sha}', usesBranch: false };
  if (type === 'raw' && attrs.value !== undefined) return translateExpressions(attrs.value);
  const detail =
    type === 'ref'
      ? `, event=${attrs.event ?? '(none)'}`
      : type === 'sha'
        ? `, format=${attrs.format}`
        : type === 'raw'
          ? ', no value'
          : '';
  return { reason: `not a rule metadata-action accepts (type=${type}${detail})` };
}

/** One rule as a tag template (without the image), following metadata-action's setValue and sanitising. */
export function convertTagRule(rule: TagRule, flavor: FlavorAffixes): RuleConversion {
  const { attrs } = rule;
  if (attrs.enable === 'false') return { kind: 'off' };
  if (attrs.enable !== undefined && attrs.enable !== 'true') {
    return {
      kind: 'unsupported',
      reason: `enable=${attrs.enable} is decided per build by metadata-action; nx-crossbake tags have no conditions, so the tag is not converted`,
    };
  }
  // A rule's own prefix or suffix, even empty, replaces the flavor's.
  const parts = [translateExpressions(attrs.prefix ?? flavor.prefix), valueOf(rule), translateExpressions(attrs.suffix ?? flavor.suffix)];
  const failed = parts.find((p): p is { reason: string } => 'reason' in p);
  if (failed) return { kind: 'unsupported', reason: failed.reason };
  const done = parts as { template: string; usesBranch: boolean }[];
  const template = done.map((p) => p.template).join('');
  // metadata-action skips a tag whose value is empty.
  if (template === '') return { kind: 'off' };
  const priority = attrs.priority !== undefined ? Number(attrs.priority) : DEFAULT_PRIORITY[rule.type];
  return { kind: 'tag', template, priority, usesBranch: done.some((p) => p.usesBranch) };
}
