import { tagTemplateProblem } from '../../lib/options/image-names';
import { csvAttributes, csvFields } from './csv-fields';
import { BRANCH_DIFFERENCE, translateExpressions } from './metadata-expressions';
import { convertTagRule, parseTagRule, type FlavorAffixes } from './metadata-tag-rules';
import type { Unsupported } from './types';

interface MetadataConversion {
  /** `image:tag` for every image and every tag rule our templates express (`{branch}`, `{shortSha}`, …). */
  tags: string[];
  /** metadata.labels, which are fixed `KEY=VALUE` strings. */
  labels: string[];
  unsupported: Unsupported[];
  notes: string[];
}

// metadata-action's tags when none are given (src/tag.ts Transform).
const DEFAULT_TAGS = ['type=schedule', 'type=ref,event=branch', 'type=ref,event=tag', 'type=ref,event=pr'];
// Only these shape metadata-action's outputs (separators, a bake file name), never the image.
const OUTPUT_ONLY = ['sep-tags', 'sep-labels', 'bake-target'];
const KNOWN = new Set(['images', 'tags', 'flavor', 'labels', ...OUTPUT_ONLY]);
// Rules with which flavor latest=auto adds `latest` (src/meta.ts: semver, pep440, match, ref event=tag).
const AUTO_LATEST = /^(?:semver|pep440|match)$|^ref,event=tag$/;
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/**
 * Image names (src/image.ts): one entry of bare names separated by commas (the old format), or per entry a bare
 * name or `name=…,enable=true|false`. metadata-action lower-cases every name.
 */
function images(entries: string[], unsupported: Unsupported[], notes: string[]): string[] {
  const oldFormat = entries.length === 1 && csvFields(entries[0]).every((f) => !f.includes('='));
  const names: string[] = [];
  for (const entry of oldFormat ? csvFields(entries[0]) : entries) {
    const attrs = csvAttributes(entry, 'name');
    if (attrs.enable === 'false') continue;
    const extra = Object.keys(attrs).filter((k) => k !== 'name' && k !== 'enable');
    if (!attrs.name || (attrs.enable !== undefined && attrs.enable !== 'true') || extra.length > 0) {
      unsupported.push({
        option: 'metadata.images',
        reason: `'${entry}' is not a fixed image (an enable expression, or attributes metadata-action refuses)`,
      });
      continue;
    }
    if (attrs.name !== attrs.name.toLowerCase()) notes.push(`metadata image '${attrs.name}' lower-cased, as metadata-action did`);
    names.push(attrs.name.toLowerCase());
  }
  return names;
}

interface Flavor extends FlavorAffixes {
  latest: string;
  prefixLatest: boolean;
  suffixLatest: boolean;
}

/** flavor (src/flavor.ts): latest, and a prefix/suffix for rules without their own (`onlatest=true`: on latest too). */
function flavorOf(entries: string[], unsupported: Unsupported[]): Flavor {
  const flavor: Flavor = { latest: 'auto', prefix: '', suffix: '', prefixLatest: false, suffixLatest: false };
  for (const entry of entries) {
    let onLatestFor: 'prefix' | 'suffix' | undefined;
    for (const field of csvFields(entry)) {
      const [key, value = ''] = [field.slice(0, field.indexOf('=')).trim().toLowerCase(), field.slice(field.indexOf('=') + 1).trim()];
      if (key === 'latest' && ['auto', 'true', 'false'].includes(value)) flavor.latest = value;
      else if (key === 'prefix' || key === 'suffix') {
        flavor[key] = value;
        onLatestFor = key;
      } else if (key === 'onlatest' && onLatestFor && ['true', 'false'].includes(value)) {
        flavor[onLatestFor === 'prefix' ? 'prefixLatest' : 'suffixLatest'] = value === 'true';
      } else unsupported.push({ option: 'metadata.flavor', reason: `'${field}' is not a flavor metadata-action accepts` });
    }
  }
  return flavor;
}

/** The `latest` tag flavor latest=true gives, with the flavor's prefix/suffix where `onlatest=true`. */
function latestTag(flavor: Flavor, unsupported: Unsupported[]): string | undefined {
  const text = `${flavor.prefixLatest ? flavor.prefix : ''}latest${flavor.suffixLatest ? flavor.suffix : ''}`;
  const translated = translateExpressions(text);
  if ('template' in translated) return translated.template;
  unsupported.push({ option: 'metadata.flavor', reason: `latest=true with '${text}': ${translated.reason}` });
  return undefined;
}

/** Tag rules (src/tag.ts, src/meta.ts) as templates, highest priority first as metadata-action orders them. */
function tagTemplates(entries: string[], flavor: Flavor, unsupported: Unsupported[], notes: string[]): string[] {
  const rules = (entries.length > 0 ? entries : DEFAULT_TAGS).map(parseTagRule);
  if (entries.length === 0)
    notes.push(`metadata.tags not set: metadata-action's defaults (${DEFAULT_TAGS.join('; ')}) converted as written there`);
  const converted: { template: string; priority: number }[] = [];
  let usesBranch = false;
  for (const rule of rules) {
    const result = convertTagRule(rule, flavor);
    if (result.kind === 'unsupported') unsupported.push({ option: 'metadata.tags', reason: `'${rule.entry}': ${result.reason}` });
    if (result.kind !== 'tag') continue;
    converted.push(result);
    usesBranch ||= result.usesBranch;
  }
  const autoLatest = rules.filter(
    (r) => r.attrs.enable !== 'false' && AUTO_LATEST.test(r.type === 'ref' ? `ref,event=${r.attrs.event}` : r.type),
  );
  if (flavor.latest === 'auto' && autoLatest.length > 0) {
    unsupported.push({
      option: 'metadata.flavor',
      reason: `latest=auto (the default) also tagged 'latest' on the builds ${autoLatest.map((r) => `'${r.entry}'`).join(', ')} applied to: not converted (add 'latest' where wanted)`,
    });
  }
  if (usesBranch) notes.push(BRANCH_DIFFERENCE);
  // Stable, as metadata-action's sort: equal (or unreadable) priorities keep the order written.
  const ordered = converted.sort((a, b) => (a.priority < b.priority ? 1 : a.priority > b.priority ? -1 : 0)).map((c) => c.template);
  const latest = flavor.latest === 'true' ? latestTag(flavor, unsupported) : undefined;
  return latest === undefined ? ordered : [...ordered, latest];
}

/**
 * docker/metadata-action settings as tags: fixed text, and the rules our templates compute as it did
 * (`type=sha` → `{shortSha}`/`{sha}`, `type=ref,event=branch` → `{branch}`, `{{branch}}`/`{{sha}}`/`{{date 'YYYYMMDD'}}`
 * in raw values, prefixes and suffixes). Rules that tag only some CI events are reported, never converted.
 * nx-container uses `metadata` only when it has `images`, and then its tags and labels REPLACE the `tags` and
 * `labels` options. Returns undefined when there are no images: nx-container ignored the metadata, and so does
 * the conversion. The org.opencontainers.image.* labels metadata-action also computed are the caller's to account for.
 */
export function convertMetadata(metadata: unknown): MetadataConversion | undefined {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return undefined;
  const m = metadata as Record<string, unknown>;
  if (strings(m.images).length === 0) return undefined;

  const unsupported: Unsupported[] = [];
  const notes: string[] = [];
  const names = images(strings(m.images), unsupported, notes);
  const templates = tagTemplates(strings(m.tags), flavorOf(strings(m.flavor), unsupported), unsupported, notes);

  const tags: string[] = [];
  for (const ref of names.flatMap((name) => templates.map((t) => `${name}:${t}`))) {
    const problem = tagTemplateProblem(ref);
    if (problem) unsupported.push({ option: 'metadata', reason: `'${ref}': ${problem}` });
    else if (!tags.includes(ref)) tags.push(ref);
  }
  for (const key of Object.keys(m).filter((k) => !KNOWN.has(k))) {
    unsupported.push({ option: `metadata.${key}`, reason: 'not a metadata-action input this converter knows' });
  }
  const dropped = OUTPUT_ONLY.filter((k) => k in m);
  if (dropped.length > 0) notes.push(`metadata ${dropped.join(', ')} dropped: they only shaped metadata-action's outputs, not the image`);
  return { tags, labels: strings(m.labels), unsupported, notes };
}
