/**
 * The mounts of a `RUN --mount=…` (https://docs.docker.com/reference/dockerfile/#run---mount): each a CSV list
 * of `key=value` fields (a field may be double-quoted), keys case-insensitive; `type` is `bind` when not
 * given; `source`/`src` and `target`/`dst`/`destination` are aliases.
 */
import { splitWords, unquoteWord } from './words';

interface RunMount {
  type: string;
  /** The stage or image the mount reads from; undefined for the build context. */
  from?: string;
  source?: string;
  target?: string;
}

const ALIASES: Record<string, keyof RunMount> = {
  type: 'type',
  from: 'from',
  source: 'source',
  src: 'source',
  target: 'target',
  dst: 'target',
  destination: 'target',
};

/** One `--mount` value's fields. */
export function parseMountFields(value: string): RunMount {
  const mount: RunMount = { type: 'bind' };
  for (const field of (value.match(/("[^"]*"|[^,])+/g) ?? []).map((f) => f.replace(/"/g, ''))) {
    const eq = field.indexOf('=');
    const key = ALIASES[field.slice(0, eq).toLowerCase()];
    if (eq > 0 && key) mount[key] = key === 'type' ? field.slice(eq + 1).toLowerCase() : field.slice(eq + 1);
  }
  return mount;
}

/** The mounts of a RUN's arguments (its flags before the command). */
export function runMounts(args: string, escape: string): RunMount[] {
  const words = splitWords(args, escape);
  const mounts: RunMount[] = [];
  for (let i = 0; i < words.length && words[i].startsWith('--'); i++) {
    const [name, value] = words[i].match(/^--([^=]+)(?:=(.*))?$/s)?.slice(1) ?? [];
    if (name?.toLowerCase() !== 'mount') continue;
    const raw = value ?? words[++i];
    if (raw !== undefined) mounts.push(parseMountFields(unquoteWord(raw, escape)));
  }
  return mounts;
}
