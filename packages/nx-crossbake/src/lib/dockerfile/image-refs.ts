import { parseMountFields } from './run-mounts';
import { parseDockerfileInstructions } from './instructions';
import { expandWord, splitWords, UNKNOWN, unquoteWord, type VariableValue } from './words';

// Set by BuildKit for every build, per platform: a FROM using one cannot be resolved to a single image.
const PLATFORM_ARGS = [
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'TARGETSTAGE',
];

// Flags whose value we read. BuildKit only accepts `--flag=value`; the spaced form is read too, leniently.
const VALUED_FLAGS: Record<string, string> = { FROM: 'platform', COPY: 'from', RUN: 'mount' };

/**
 * Every external image a Dockerfile builds from or copies out of, in order of appearance: `FROM`,
 * `COPY --from=` and `RUN --mount=…,from=`. Stage names (and `--from=<index>`) are not images, nor is `scratch`.
 *
 * `FROM` may use ARGs declared before the first `FROM`: their defaults are substituted, overridden by
 * `buildArgs` as the build would. A reference that depends on a value we cannot know is skipped rather
 * than guessed: an ARG without a default (used bare), or a per-platform one like `$TARGETARCH`.
 * BuildKit refuses variables in `COPY --from` and mount `from=`, so a `$` there is skipped too.
 */
export function parseDockerfileImageRefs(text: string, buildArgs: Readonly<Record<string, string>> = {}): string[] {
  return readImageRefs(text, buildArgs).refs;
}

/**
 * The `FROM` images whose reference depends on a value we cannot know before the build (a per-platform ARG
 * such as `$TARGETARCH`, an ARG without a default), as written: one build may read several images there.
 */
export function unresolvedFromImages(text: string, buildArgs: Readonly<Record<string, string>> = {}): string[] {
  return readImageRefs(text, buildArgs).unresolved;
}

function readImageRefs(text: string, buildArgs: Readonly<Record<string, string>>): { refs: string[]; unresolved: string[] } {
  const { escape, instructions } = parseDockerfileInstructions(text);
  const froms = instructions.filter((i) => i.keyword === 'FROM').map((i) => parseFrom(splitWords(i.args, escape)));
  // COPY --from and mounts resolve a name against every stage; FROM only against the stages above it.
  const allStages = new Set(froms.map((from) => from.stage).filter((name): name is string => name !== undefined));
  const stagesAbove = new Set<string>();
  const globalArgs = new Map<string, VariableValue>(PLATFORM_ARGS.map((name) => [name, UNKNOWN]));
  const refs = new Set<string>();
  const unresolved: string[] = [];
  let fromIndex = 0;

  const add = (ref: string | undefined, stages: ReadonlySet<string>) => {
    // White space or a `$` left over means the Dockerfile is not one BuildKit would build: nothing to name.
    if (ref === undefined || ref === '' || /[\s$]/.test(ref) || ref.toLowerCase() === 'scratch') return;
    if (!stages.has(ref.toLowerCase())) refs.add(ref);
  };

  for (const instruction of instructions) {
    const words = splitWords(instruction.args, escape);
    switch (instruction.keyword) {
      case 'ARG':
        // ARGs inside a stage are not visible to FROM.
        if (fromIndex === 0) declareArgs(globalArgs, words, buildArgs, escape);
        break;
      case 'FROM': {
        const { image, stage } = froms[fromIndex++];
        const expanded = image === undefined ? undefined : expandWord(image, globalArgs, escape);
        if (image !== undefined && (expanded === undefined || expanded.includes('$'))) unresolved.push(image);
        add(expanded, stagesAbove);
        if (stage !== undefined) stagesAbove.add(stage);
        break;
      }
      case 'COPY':
      case 'RUN':
        for (const from of copyOrMountSources(instruction.keyword, words, escape)) add(literalSource(from, escape), allStages);
        break;
    }
  }
  return { refs: [...refs], unresolved };
}

/** The leading `--flag[=value]` words of an instruction, and the words after them. */
function splitFlags(keyword: string, words: readonly string[]): { flags: Array<[string, string]>; rest: string[] } {
  const flags: Array<[string, string]> = [];
  let i = 0;
  for (; i < words.length && words[i].startsWith('--'); i++) {
    const eq = words[i].indexOf('=');
    const name = (eq < 0 ? words[i].slice(2) : words[i].slice(2, eq)).toLowerCase();
    if (eq >= 0) flags.push([name, words[i].slice(eq + 1)]);
    else if (name === VALUED_FLAGS[keyword] && i + 1 < words.length) flags.push([name, words[++i]]);
  }
  return { flags, rest: words.slice(i) };
}

/** `FROM [--platform=…] <image> [AS <name>]`; stage names compare case-insensitively, as BuildKit lower-cases them. */
function parseFrom(words: readonly string[]): { image?: string; stage?: string } {
  const { rest } = splitFlags('FROM', words);
  const stage = rest.length >= 3 && rest[1].toLowerCase() === 'as' ? rest[2].toLowerCase() : undefined;
  return { image: rest[0], stage };
}

function declareArgs(
  args: Map<string, VariableValue>,
  words: readonly string[],
  buildArgs: Readonly<Record<string, string>>,
  escape: string,
) {
  for (const word of words) {
    const eq = word.indexOf('=');
    const name = eq < 0 ? word : word.slice(0, eq);
    if (Object.hasOwn(buildArgs, name)) args.set(name, buildArgs[name]);
    // A default may use the ARGs declared before it.
    else if (eq >= 0) args.set(name, expandWord(word.slice(eq + 1), args, escape) ?? UNKNOWN);
    // Re-declaring without a default keeps what is known (and a platform ARG stays per-platform).
    else if (!args.has(name)) args.set(name, null);
  }
}

/** The raw `from` values of `COPY --from=…` and of each `RUN --mount=…` that reads from an image or stage. */
function copyOrMountSources(keyword: string, words: readonly string[], escape: string): string[] {
  const { flags } = splitFlags(keyword, words);
  if (keyword === 'COPY') return flags.filter(([name]) => name === 'from').map(([, value]) => value);
  return (
    flags
      .filter(([name]) => name === 'mount')
      .map(([, value]) => parseMountFields(unquoteWord(value, escape)))
      // Only bind and cache mounts take their content from an image or stage.
      .filter((mount) => mount.from !== undefined && ['bind', 'cache'].includes(mount.type))
      .map((mount) => mount.from!)
  );
}

/** A `--from`/`from=` value as BuildKit takes it: never expanded (a `$` in it is refused), and a number is a stage index. */
function literalSource(value: string, escape: string): string | undefined {
  const unquoted = unquoteWord(value, escape);
  return /^\d+$/.test(unquoted) ? undefined : unquoted;
}
