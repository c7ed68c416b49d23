/**
 * Where a stage's RUN steps execute. `FROM --platform=$BUILDPLATFORM` runs on the builder's own CPU; a
 * literal `--platform=linux/amd64` pins one platform; a stage FROM an earlier stage runs where that one
 * does (BuildKit hands the base stage's platform on with its state); anything else runs on the target.
 */
import { expandWord, splitWords, UNKNOWN, unquoteWord, type VariableValue, type Variables } from '../dockerfile/words';

export type StagePlatform = { kind: 'build' } | { kind: 'target' } | { kind: 'pinned'; platform: string };

export interface Stage {
  /** The `AS` name, lower-cased as BuildKit does, or the stage's index when it has none. */
  name: string;
  platform: StagePlatform;
}

// A marker no real platform can equal: `${BUILDPLATFORM}`, `"$BUILDPLATFORM"` and `${BUILDPLATFORM:-…}` all expand to it.
const BUILD = '\u0000build';
const PLATFORM_VARIABLES: Variables = new Map<string, VariableValue>([
  ['BUILDPLATFORM', BUILD],
  ['TARGETPLATFORM', UNKNOWN],
]);

/** A stage from its `FROM` arguments; `earlier` are the stages above it, the only ones FROM can name. */
export function parseStage(fromArgs: string, index: number, escape: string, earlier: readonly Stage[]): Stage {
  const words = splitWords(fromArgs, escape);
  let platformWord: string | undefined;
  let i = 0;
  for (; i < words.length && words[i].startsWith('--'); i++) {
    const [flag, value] = words[i].split(/=(.*)/s);
    // BuildKit only accepts `--platform=…`; the spaced form is read too, leniently, as dockerfile-refs does.
    if (flag.toLowerCase() === '--platform') platformWord = value ?? words[++i];
  }
  const [image = '', as, name] = words.slice(i);
  const stageName = as?.toLowerCase() === 'as' && name ? name.toLowerCase() : String(index);

  if (platformWord !== undefined) return { name: stageName, platform: platformOf(platformWord, escape) };
  const base = earlier.find((stage) => stage.name === unquoteWord(image, escape).toLowerCase() && !/^\d+$/.test(stage.name));
  return { name: stageName, platform: base?.platform ?? { kind: 'target' } };
}

function platformOf(word: string, escape: string): StagePlatform {
  const platform = expandWord(word, PLATFORM_VARIABLES, escape);
  if (platform === BUILD) return { kind: 'build' };
  // A platform we cannot know (a per-platform or undeclared ARG) is taken as the target: that is what it usually is.
  if (platform === undefined || platform === '' || platform.includes(BUILD) || platform.includes('$')) return { kind: 'target' };
  return { kind: 'pinned', platform: platform.toLowerCase() };
}
