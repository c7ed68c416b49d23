import schema from '../../lib/options/schemas/multiarch.json';
import { documentedOptions, type DocumentedType } from '../../lib/options/schema-options';
import { convertMetadata } from './metadata-tags';
import { OPTION_RULES, type RuleResult } from './option-rules';
import type { OptionsConversion, Unsupported } from './types';

export type SchemaProperty = DocumentedType;
/** The options `nx-crossbake:multiarch` takes, with the types it documents (schema.json `x-expected`). */
export const MULTIARCH_OPTIONS: Readonly<Record<string, SchemaProperty>> = documentedOptions(schema);

// nx-container expanded $VAR and ${VAR} in every argument; nx-crossbake does so in build-args only
// (secrets become env= references in option-rules).
const ENV_REFERENCE = /\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/;
const EXPANDED_BY_CROSSBAKE = new Set(['build-args', 'secrets']);
const OCI_LABELS_LOST =
  "nx-container also set org.opencontainers.image.* labels (created, revision, source, version…) from the git/CI context; nx-crossbake:multiarch computes none: add fixed ones to 'labels' if you rely on them";

function typeProblem(value: unknown, property: SchemaProperty): string | undefined {
  const ok =
    property.type === 'array'
      ? Array.isArray(value) && value.every((v) => typeof v === 'string')
      : property.type === undefined || typeof value === property.type;
  return ok
    ? undefined
    : `the value ${JSON.stringify(value)} is not the ${property.type === 'array' ? 'list of strings' : property.type} nx-crossbake takes`;
}

const mentionsEnvironment = (value: unknown): boolean =>
  (typeof value === 'string' && ENV_REFERENCE.test(value)) || (Array.isArray(value) && value.some(mentionsEnvironment));

interface ConvertContext {
  /** True for a configuration whose target's options set metadata.images: nx-container then ignored its tags and labels. */
  metadataInherited?: boolean;
  /** The multiarch executor's options (its schema.json properties); replaced in tests. */
  multiarchOptions?: Readonly<Record<string, SchemaProperty>>;
}

/**
 * One nx-container options object (a target's options or one configuration) as multiarch options. Only
 * what the multiarch schema knows, with the type it expects, is written; everything else is reported.
 */
export function convertOptions(raw: Record<string, unknown>, context: ConvertContext = {}): OptionsConversion {
  const known = context.multiarchOptions ?? MULTIARCH_OPTIONS;
  const options: Record<string, unknown> = {};
  const unsupported: Unsupported[] = [];
  const notes: string[] = [];
  const metadata = convertMetadata(raw.metadata);
  const metadataRules = metadata !== undefined || (context.metadataInherited === true && !('metadata' in raw));

  const apply = (name: string, result: RuleResult) => {
    for (const reason of result.unsupported ?? []) unsupported.push({ option: name, reason });
    notes.push(...(result.notes ?? []));
    for (const [key, value] of Object.entries(result.set ?? {})) {
      const property = known[key];
      const problem = property ? typeProblem(value, property) : `nx-crossbake:multiarch has no '${key}' option yet`;
      if (problem) {
        unsupported.push({ option: name, reason: problem });
        continue;
      }
      options[key] = value;
      if (!EXPANDED_BY_CROSSBAKE.has(key) && mentionsEnvironment(value)) {
        notes.push(`${key} mentions an environment variable ($VAR), which nx-container expanded; nx-crossbake passes it as written`);
      }
    }
  };

  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined || value === null || name === 'metadata') continue;
    if (metadataRules && (name === 'tags' || name === 'labels')) {
      notes.push(`${name} not carried over: nx-container ignored it, using metadata's ${name} instead (metadata.images is set)`);
      continue;
    }
    const rule = OPTION_RULES[name];
    if (!rule) unsupported.push({ option: name, reason: 'not an @nx-tools/nx-container:build option this converter knows' });
    else if (rule.kind === 'unsupported') unsupported.push({ option: name, reason: rule.reason });
    else apply(name, rule.kind === 'copy' ? { set: { [name]: value } } : rule.convert(value, name));
  }

  if (metadata) {
    // Always written, even empty, so a configuration's metadata also replaces the target's tags.
    apply('metadata', { set: { tags: metadata.tags, labels: metadata.labels }, notes: metadata.notes });
    unsupported.push(...metadata.unsupported);
    if ('oci-labels' in known) {
      notes.push('org.opencontainers.image.* labels now come from the oci-labels option (project and git), no longer from metadata-action');
    } else {
      unsupported.push({ option: 'metadata', reason: OCI_LABELS_LOST });
    }
  } else if (raw.metadata !== undefined) {
    notes.push('metadata dropped: it has no images, so nx-container did not use it');
  }
  return { options, unsupported, notes };
}
