/**
 * Reading options against an executor's schema.json: the one place static defaults are written, and where
 * every value's type is checked.
 *
 * Nx checks options against schema.json before an executor runs, and in a batch one task's bad value
 * crashes every task (`#<SchemaError>`). So our schemas let Nx accept anything (`anyOf` the `anything`
 * definition) and document each option's type in `x-expected`, which Nx never reads. The readers here
 * enforce those types per project, with a problem that names the option, the value and what was expected.
 */
import { CrossbakeError } from '../core/errors';
import { toBoolean, toChoice, toInteger, toKeyValueList, toObjectList, toStringList, toText, type ListSplit } from './coerce';

/** The documented form of an option, in JSON Schema terms (what editors and the docs tables show). */
export interface DocumentedType {
  type?: string;
  items?: DocumentedType;
  enum?: readonly string[];
  properties?: Record<string, DocumentedType & { description?: string }>;
  required?: readonly string[];
  minimum?: number;
}

export interface JsonSchema {
  properties: Record<string, object>;
}

const propertyOf = (schema: JsonSchema, name: string) =>
  schema.properties[name] as { default?: unknown; 'x-expected'?: DocumentedType } | undefined;

/** Every option's documented type (`x-expected`), e.g. for a generator that writes options of the right type. */
export const documentedOptions = (schema: JsonSchema): Record<string, DocumentedType> =>
  Object.fromEntries(Object.keys(schema.properties).map((name) => [name, propertyOf(schema, name)?.['x-expected'] ?? {}]));

/** Typed, checked access to one options object; each method applies the schema's default when unset. */
export interface OptionReader {
  text(name: string): string | undefined;
  boolean(name: string): boolean;
  /** Strings, from an array or from one string split per line (and per comma with split 'comma'). */
  list(name: string, split: ListSplit): string[];
  /** `KEY=VALUE` strings, from a list or from a `{KEY: value}` map. */
  keyValues(name: string): string[];
  choice<T extends string>(name: string, choices: readonly T[]): T | undefined;
  integer(name: string): number | undefined;
  objects(name: string): Record<string, unknown>[];
  /** False when any of these options had a value of the wrong type (so checks that combine them can be skipped). */
  wellTyped(...names: string[]): boolean;
}

/** A reader of `raw` whose problems (wrong types) are pushed onto `problems`; a wrong value reads as the default. */
export function optionReader(schema: JsonSchema, raw: object, problems: string[]): OptionReader {
  const values = raw as Record<string, unknown>;
  const failed = new Set<string>();
  const read = <T>(name: string, coerce: (value: unknown, found: string[]) => T | undefined): T | undefined => {
    const found: string[] = [];
    const value = values[name] === undefined || values[name] === null ? undefined : coerce(values[name], found);
    if (found.length > 0) {
      problems.push(...found);
      failed.add(name);
    }
    // A value that was present but unusable still gets the default, so the other checks can run.
    if (value !== undefined && found.length === 0) return value;
    const fallback = propertyOf(schema, name)?.default;
    return fallback === undefined ? undefined : coerce(structuredClone(fallback), []);
  };
  return {
    text: (name) => read(name, (v, found) => toText(name, v, found)),
    boolean: (name) => read(name, (v, found) => toBoolean(name, v, found)) ?? false,
    list: (name, split) => read(name, (v, found) => toStringList(name, v, split, found)) ?? [],
    keyValues: (name) => read(name, (v, found) => toKeyValueList(name, v, found)) ?? [],
    choice: (name, choices) => read(name, (v, found) => toChoice(name, v, choices, found)),
    integer: (name) => read(name, (v, found) => toInteger(name, v, found)),
    objects: (name) => read(name, (v, found) => toObjectList(name, v, found)) ?? [],
    wellTyped: (...names) => names.every((n) => !failed.has(n)),
  };
}

/**
 * One option read by its documented type (`x-expected`): strings, booleans, whole numbers, enums, lists of
 * strings (split per line and comma) and lists of objects; the default when unset. A value of the wrong
 * type is pushed onto `problems`, or, without `problems`, thrown as a CrossbakeError: it is never handed
 * on unchecked. Prefer optionReader, whose methods say how each list is spelled.
 */
export function readOption<T>(schema: JsonSchema, raw: object, name: string, problems?: string[]): T {
  const found: string[] = [];
  const reader = optionReader(schema, raw, found);
  const expected = propertyOf(schema, name)?.['x-expected'] ?? {};
  let value: unknown;
  if (expected.enum) value = reader.choice(name, expected.enum);
  else if (expected.type === 'boolean') value = reader.boolean(name);
  else if (expected.type === 'string') value = reader.text(name);
  else if (expected.type === 'integer' || expected.type === 'number') value = reader.integer(name);
  else if (expected.type === 'array' && expected.items?.type === 'object') value = reader.objects(name);
  else if (expected.type === 'array') value = reader.list(name, 'comma');
  else throw new Error(`nx-crossbake: option '${name}' documents no type in its schema.json (x-expected)`);
  if (found.length > 0 && !problems) throw new CrossbakeError(found.join('; '));
  problems?.push(...found);
  return value as T;
}

/**
 * One problem per option the schema does not know, suggesting the name probably meant. Nx hands on
 * positional arguments as `_`: that gets its own sentence.
 */
export function unknownOptionProblems(schema: JsonSchema, raw: object, likelyMeant: Record<string, string> = {}): string[] {
  const valid = Object.keys(schema.properties);
  return Object.keys(raw)
    .filter((key) => !(key in schema.properties))
    .map((key) => {
      if (key === '_') {
        const args = (raw as Record<string, unknown>)._;
        return `unexpected argument${Array.isArray(args) && args.length > 1 ? 's' : ''} ${[args].flat().join(' ')}: options are written --name=value`;
      }
      const kebab = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      const meant = [likelyMeant[kebab], kebab].find((name) => name !== undefined && name in schema.properties);
      return `unknown option '${key}'${meant ? `: did you mean '${meant}'?` : ''} (valid options: ${valid.join(', ')})`;
    });
}
