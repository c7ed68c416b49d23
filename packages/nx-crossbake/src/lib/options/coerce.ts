/**
 * Option values as users write them, often carried over from neighbouring tools, read into the one form
 * normalize works with. Nx validates options against schema.json before our code runs and, in batch mode,
 * one bad value crashes the whole batch; so the schema stays loose and every type is checked here, per
 * project, with a problem that names the option, the value and what was expected.
 *
 * Lists follow docker/build-push-action's inputs (actions-toolkit `Util.getInputList`): a string is one
 * entry per line, and options whose entries never hold a comma (platforms, tags) also split on commas.
 * Entries are trimmed and empty ones dropped. build-push-action gives `#` no meaning in these inputs, and
 * neither do we. Its CSV unquoting is left out on purpose: the entries that hold CSV (outputs, cache-from,
 * cache-to, secrets) keep their quotes for buildx, which parses them itself.
 */

export const show = (value: unknown) => {
  const text = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
};

/** How a string spells a list for this option. */
export type ListSplit = 'comma' | 'line';

const splitText = (text: string, split: ListSplit): string[] =>
  text
    .split(split === 'comma' ? /\r?\n|,/ : /\r?\n/)
    .map((e) => e.trim())
    .filter((e) => e !== '');

/**
 * A list of strings: an array of strings, or a string split as build-push-action splits it; nothing for
 * undefined/null. Array entries of a comma list are split too (buildx reads `--platform a,b` so), those of
 * a line list are kept whole. Anything else is a problem and gives undefined.
 */
export function toStringList(option: string, value: unknown, split: ListSplit, problems: string[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return splitText(value, split);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return split === 'comma' ? (value as string[]).flatMap((v) => splitText(v, 'comma')) : (value as string[]);
  }
  const spelled = split === 'comma' ? 'one string with entries separated by commas or lines' : 'one string with an entry per line';
  problems.push(`'${option}' is ${show(value)}: expected a list of strings, e.g. ["a", "b"], or ${spelled}`);
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
 * A boolean: true/false, or the strings "true"/"false" a command line gives (`--push=false`). Anything else
 * ("yes", 1) is a problem, never read as true.
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

/** One of a fixed set of strings. */
export function toChoice<T extends string>(option: string, value: unknown, choices: readonly T[], problems: string[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  problems.push(`${option} ${show(value)} is not one of ${choices.join(', ')}`);
  return undefined;
}

/** A whole number, from JSON or from a command line (`--max-parallelism=4` arrives as a number or a string). */
export function toInteger(option: string, value: unknown, problems: string[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number)) return number;
  problems.push(`'${option}' is ${show(value)}: expected a whole number`);
  return undefined;
}

/** A list of objects (e.g. `registries`); each object's fields are checked by the caller. */
export function toObjectList(option: string, value: unknown, problems: string[]): Record<string, unknown>[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v)))
    return value as Record<string, unknown>[];
  problems.push(`'${option}' is ${show(value)}: expected a list of objects, e.g. [{"…": "…"}]`);
  return undefined;
}
