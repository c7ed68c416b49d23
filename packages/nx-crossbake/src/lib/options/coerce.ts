/**
 * Option values as users write them, often carried over from neighbouring tools, read into the one form
 * normalize works with. Nx validates options against schema.json before our code runs and, in batch mode,
 * one bad value crashes the whole batch; so the schema stays loose and every type is checked here, per
 * project, with a problem that names the option, the value and what was expected.
 *
 * Lists follow docker/build-push-action's inputs (actions-toolkit `getInputList`): a string is one entry
 * per line, and options whose entries never hold a comma (platforms, tags) also split on commas.
 * Lines starting with `#` are comments there and here.
 */

const show = (value: unknown) => (typeof value === 'string' ? `'${value}'` : JSON.stringify(value));

/** How a string spells a list for this option. */
export type ListSplit = 'comma' | 'line';

function splitString(text: string, split: ListSplit): string[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const entries = split === 'comma' ? lines.flatMap((l) => l.split(',')) : lines;
  return entries.map((e) => e.trim()).filter((e) => e !== '');
}

/**
 * A list of strings: an array of strings as it is, a string split as build-push-action splits it, nothing
 * for undefined/null. Anything else is a problem and gives undefined.
 */
export function toStringList(option: string, value: unknown, split: ListSplit, problems: string[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return splitString(value, split);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  problems.push(`'${option}' is ${show(value)}: expected a list of strings, e.g. ["a", "b"], or one string with an entry per line${split === 'comma' ? ' or comma' : ''}`);
  return undefined;
}

/**
 * `KEY=VALUE` entries (build-args, labels): a list as toStringList reads it, or a `{KEY: value}` map as bake
 * and @nx/docker write it (numbers and booleans as text).
 */
export function toKeyValueList(option: string, value: unknown, problems: string[]): string[] | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries: string[] = [];
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') entries.push(`${key}=${v}`);
      else problems.push(`'${option}' entry '${key}' is ${show(v)}: expected a string, number or boolean value`);
    }
    return entries;
  }
  return toStringList(option, value, 'line', problems);
}

/**
 * A boolean: true/false, or the strings "true"/"false" a command line gives. Anything else ("yes", 1) is
 * a problem, never read as true.
 */
export function toBoolean(option: string, value: unknown, problems: string[]): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  problems.push(`'${option}' is ${show(value)}: expected true or false`);
  return undefined;
}

/** A string (numbers as text, since `target: 2` means the stage named 2); anything else is a problem. */
export function toText(option: string, value: unknown, problems: string[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  problems.push(`'${option}' is ${show(value)}: expected a string`);
  return undefined;
}
