import { checkImageTag } from '../../lib/options/validators';
import { csvAttributes } from './csv-fields';
import type { Unsupported } from './types';

export interface MetadataConversion {
  /** `image:tag` for every image and every tag known without the CI context. */
  tags: string[];
  /** metadata.labels, which are fixed `KEY=VALUE` strings. */
  labels: string[];
  unsupported: Unsupported[];
  notes: string[];
}

// metadata-action's tags when none are given: every one is computed from the CI event.
const DEFAULT_TAGS = 'type=schedule, type=ref,event=branch, type=ref,event=tag, type=ref,event=pr';
// Only these shape metadata-action's outputs (separators, a bake file name), never the image.
const OUTPUT_ONLY = ['sep-tags', 'sep-labels', 'bake-target'];
const KNOWN = new Set(['images', 'tags', 'flavor', 'labels', ...OUTPUT_ONLY]);
const TEMPLATE = /\{\{/;

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** Image names: a bare name or `name=…,enable=true|false`. */
function images(entries: string[], unsupported: Unsupported[]): string[] {
  const names: string[] = [];
  for (const entry of entries) {
    const attrs = csvAttributes(entry, 'name');
    if (attrs.enable === 'false') continue;
    const extra = Object.keys(attrs).filter((k) => k !== 'name' && k !== 'enable');
    if (!attrs.name || (attrs.enable !== undefined && attrs.enable !== 'true') || extra.length > 0) {
      unsupported.push({ option: 'metadata.images', reason: `'${entry}' is decided at build time (enable expression or extra attributes)` });
    } else names.push(attrs.name);
  }
  return names;
}

/** Tag values: only `type=raw` (or a bare value) with fixed value, prefix and suffix is known ahead of the build. */
function tagValues(entries: string[], unsupported: Unsupported[]): string[] {
  if (entries.length === 0) {
    unsupported.push({ option: 'metadata.tags', reason: `not set, so metadata-action's defaults (${DEFAULT_TAGS}) applied: all computed from the CI event` });
    return [];
  }
  const values: string[] = [];
  for (const entry of entries) {
    const attrs = csvAttributes(entry, 'value');
    if (attrs.enable === 'false') continue;
    const type = attrs.type ?? 'raw';
    const parts = [attrs.prefix ?? '', attrs.value ?? '', attrs.suffix ?? ''];
    if (type !== 'raw') {
      unsupported.push({ option: 'metadata.tags', reason: `'${entry}' (type=${type}) is computed from the git/CI context at build time` });
    } else if ((attrs.enable !== undefined && attrs.enable !== 'true') || parts.some((p) => TEMPLATE.test(p)) || !attrs.value) {
      unsupported.push({ option: 'metadata.tags', reason: `'${entry}' uses a {{template}} or an enable expression, known only at build time` });
    } else values.push(parts.join(''));
  }
  return values;
}

/** Flavor: only a `latest` choice is converted; prefixes, suffixes and onlatest are reported. */
function latestFlavor(entries: string[], unsupported: Unsupported[]): boolean {
  let latest = false;
  for (const entry of entries) {
    const attrs = csvAttributes(entry, 'latest');
    for (const [key, value] of Object.entries(attrs)) {
      if (key === 'latest' && ['auto', 'false', 'true'].includes(value)) latest = value === 'true';
      else unsupported.push({ option: 'metadata.flavor', reason: `'${key}=${value}' is not converted: write the tags it would give in 'tags'` });
    }
  }
  return latest;
}

/**
 * docker/metadata-action settings as fixed tags, where they are fixed. nx-container uses `metadata` only
 * when it has `images`, and then its tags and labels REPLACE the `tags` and `labels` options. Returns
 * undefined when there are no images: nx-container ignored the metadata, and so does the conversion.
 * The org.opencontainers.image.* labels metadata-action also computed are the caller's to account for,
 * as it knows whether the multiarch executor makes them too.
 */
export function convertMetadata(metadata: unknown): MetadataConversion | undefined {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return undefined;
  const m = metadata as Record<string, unknown>;
  if (strings(m.images).length === 0) return undefined;

  const unsupported: Unsupported[] = [];
  const notes: string[] = [];
  const names = images(strings(m.images), unsupported);
  const values = tagValues(strings(m.tags), unsupported);
  if (latestFlavor(strings(m.flavor), unsupported) && !values.includes('latest')) values.push('latest');

  const tags: string[] = [];
  for (const ref of names.flatMap((name) => values.map((value) => `${name}:${value}`))) {
    const problem = checkImageTag(ref);
    if (problem) unsupported.push({ option: 'metadata', reason: problem });
    else if (!tags.includes(ref)) tags.push(ref);
  }
  for (const key of Object.keys(m).filter((k) => !KNOWN.has(k))) {
    unsupported.push({ option: `metadata.${key}`, reason: 'not a metadata-action input this converter knows' });
  }
  const dropped = OUTPUT_ONLY.filter((k) => k in m);
  if (dropped.length > 0) notes.push(`metadata ${dropped.join(', ')} dropped: they only shaped metadata-action's outputs, not the image`);
  return { tags, labels: strings(m.labels), unsupported, notes };
}
