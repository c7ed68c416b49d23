/**
 * A `RUN make …` judged for the move to a build-platform stage: the Makefile is read (make/) to find what the
 * goals run, and the step moves only when that comes down to `go build` with cgo off, steered by the
 * GOOS/GOARCH/GOARM the build stage puts in make's environment, and to commands whose effects are known
 * (`mkdir`, `install`, `cp`, `rm`, printing). The RUN itself is not edited beyond exporting GOARM, so the
 * Makefile keeps working for everything else it does. Anything in the way is the reason, with its
 * Makefile line: the Makefile sets GOARCH itself, runs `go test`/`go run`/`go generate`, needs cgo.
 */
import type { DockerfileInstruction } from '../../../lib/dockerfile/instructions';
import { parseRunCommands, unwrapEnv } from '../../../lib/advisor/run-commands';
import { parseShellCommands } from '../../../lib/advisor/shell-commands';
import { expandWord, UNKNOWN, type VariableValue } from '../../../lib/dockerfile/words';
import { linkerProblem, parseGoCommand } from './go-command';
import { isGoPreparation } from './go-only';
import { artifactOf, CGO_NEEDS, CGO_STUB, EXEC_FORM, goflagsOf, type StageFacts } from './go-step';
import { withGoarm } from './goarm';
import { afterCd, literal, resolvePath } from './image-paths';
import { LEFT_AS_ADVICE, refuse, type MoveVerdict } from './move-verdict';
import { commandName, sideEffectsOf } from './shell-effects';
import { isKnown, shown, targetValue, UNKNOWN_VALUE } from './make/expand';
import { isMake, makeCommands, parseMakeArguments, type ReadFile, type RecipeCommand, type SameRun } from './make/run';

interface MakeFacts extends StageFacts {
  /** A file of the image, when the stage's copies bring it from the build context. */
  read: ReadFile;
}

// What the build stage gives make for each target (cross-compile.ts's ENV, goarm.ts's export). Its
// CGO_ENABLED=0 is left out: whether the original build had cgo off is read from the stage and the Makefile.
const TARGET_ENV: ReadonlyArray<[string, string]> = [
  ['GOOS', 'linux'],
  ['GOARCH', targetValue('GOARCH')],
  ['GOARM', targetValue('GOARM')],
];
const STEERING = new Map(TARGET_ENV);
// go subcommands that leave nothing the image needs, or only what the compile reads.
const GO_QUIET = new Set(['vet', 'env', 'version', 'fmt', 'list', 'mod']);
const GO_REFUSED: Record<string, string> = {
  test: 'its test binaries would be built for the target and could not run on the build machine',
  run: 'it would build the program for the target and could not run it on the build machine',
  generate: 'its generators would run on the build machine, and what they write for the target is not known here',
  get: 'it builds and installs, and cross-compiled `go install` writes to $GOPATH/bin/linux_<arch>/',
  install: 'cross-compiled, it writes to $GOPATH/bin/linux_<arch>/ (and refuses to run with GOBIN set); the Makefile is not rewritten',
};

// `for APP in a b ; do install … $APP ; done`, the whole recipe line: installing a list of binaries.
const FOR_LOOP = /^\s*for\s+([A-Za-z_]\w*)\s+in\s+([^;`$()]*?)\s*;\s*do\s+(.*?)\s*;?\s*done\s*$/s;

/** A recipe line that is one `for` loop over literal words, as the commands it runs; any other line as it is. */
function unrollFor(text: string): string {
  const loop = text.match(FOR_LOOP);
  if (!loop) return text;
  const [, variable, list, body] = loop;
  const reference = new RegExp(`\\$(\\{${variable}\\}|${variable}(?![\\w]))`, 'g');
  return list
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => body.replace(reference, word))
    .join(' ; ');
}

/** `-d DIR…`, `-t DIR`, `SRC… DEST`: what `install` or `cp` writes. */
function copyTargets(words: readonly string[]): { paths: string[]; folders: boolean } | undefined {
  const valued = commandName(words) === 'install' ? /^-[mogSt]$/ : /^-[t]$/;
  const args: string[] = [];
  let directories = false;
  let into: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (valued.test(w)) {
      if (w === '-t') into = words[i + 1];
      i++;
    } else if (/^--target-directory=/.test(w)) into = w.split('=')[1];
    else if (w === '-d' || w === '--directory') directories = true;
    else if (!w.startsWith('-')) args.push(w);
  }
  if (directories) return { paths: args, folders: true };
  if (into !== undefined) return { paths: [into], folders: true };
  if (args.length < 2) return undefined;
  return { paths: [args.at(-1)!], folders: args.length > 2 || args.at(-1)!.endsWith('/') };
}

function environmentOf(variables: ReadonlyMap<string, VariableValue>, assignments: ReadonlyMap<string, string>): Map<string, string> {
  const env = new Map<string, string>();
  for (const [name, value] of variables) if (value !== null) env.set(name, value === UNKNOWN ? UNKNOWN_VALUE : value);
  for (const [name, value] of assignments) env.set(name, value);
  for (const [name, value] of TARGET_ENV) env.set(name, value);
  return env;
}

/** `NAME=value` words the shell puts in make's environment: `CGO_ENABLED=0 make …`. */
function inlineAssignments(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const command of text.split(/&&|\|\||;|\n/)) {
    const m = command.match(/^\s*((?:[A-Za-z_]\w*=(?:'[^']*'|"[^"]*"|\S)*\s+)+)(?:\S*\/)?g?make\b/);
    for (const [, name, value] of (m?.[1] ?? '').matchAll(/([A-Za-z_]\w*)=('[^']*'|"[^"]*"|\S*)/g))
      out.set(name, value.replace(/^(['"])(.*)\1$/s, '$2'));
  }
  return out;
}

/** The problem with one recipe command of the goals, or the artifacts and effects it leaves. */
function judgeRecipe(recipe: RecipeCommand, facts: MakeFacts, found: { artifacts: string[]; effects: string[] }): string | undefined {
  if (recipe.delegated) return undefined;
  let cwd: string | undefined = recipe.dir;
  for (const [name, value] of recipe.exported)
    if (STEERING.has(name) && value !== STEERING.get(name) && !(name === 'GOARM' && value === ''))
      return `the Makefile sets ${name}=${shown(value)} for its recipes, where the build stage needs the target's`;
  for (const words of parseShellCommands(unrollFor(recipe.text)).map(unwrapEnv)) {
    const name = commandName(words);
    if (name === 'cd') {
      cwd = afterCd(cwd, words[1]);
      continue;
    }
    if (name === 'go') {
      const sub = words[1] ?? '';
      if (GO_REFUSED[sub]) return `\`go ${sub}\`: ${GO_REFUSED[sub]}`;
      const go = parseGoCommand([...words]);
      if (go === undefined) {
        if (GO_QUIET.has(sub) || isGoPreparation([...words])) continue;
        return `\`go ${sub}\` is a go command this rewrite does not know`;
      }
      let cgo = recipe.exported.get('CGO_ENABLED');
      for (const [, variable, value] of recipe.text.matchAll(/\b(GOOS|GOARCH|GOARM|CGO_ENABLED)=(\S*)/g)) {
        if (variable === 'CGO_ENABLED') cgo = value;
        else if (value !== STEERING.get(variable) && !(variable === 'GOARM' && value === ''))
          return `the recipe sets ${variable}=${shown(value)} for \`go build\`, where the build stage needs the target's`;
      }
      if (cgo !== undefined && cgo !== '0') return `the build has CGO_ENABLED=${shown(cgo)}: ${CGO_NEEDS}`;
      if (cgo === undefined && facts.cgoUse) return `${facts.cgoUse}: ${CGO_STUB}`;
      if (go.cgo) return `${go.cgo}: ${CGO_NEEDS}`;
      const linker = linkerProblem(
        go,
        facts.platforms ?? [],
        facts.goMinor,
        recipe.exported.get('GOFLAGS') ?? goflagsOf(facts, recipe.text),
      );
      if (linker) return linker;
      if (go.chdir !== undefined) return '`go build -C` is not followed: build from the folder with cd instead';
      const artifact = artifactOf('build', go.output, go.packages, cwd, facts);
      if (typeof artifact !== 'string') return artifact.reason;
      if (!isKnown(artifact)) return `\`go build\` writes ${shown(artifact)}, a path known only when make runs`;
      found.artifacts.push(artifact);
      continue;
    }
    if (name === 'rm') continue; // what the build stage removes was never copied back
    if (name === 'chmod') {
      for (const path of words.slice(1).filter((w, i) => i > 0 && !w.startsWith('-'))) {
        const absolute = isKnown(path) && literal(path) ? resolvePath(cwd, path) : undefined;
        if (absolute === undefined) return `\`chmod\` changes ${shown(path)}, a path known only when make runs`;
        found.effects.push(absolute);
      }
      continue;
    }
    if (name === 'install' || name === 'cp') {
      const targets = copyTargets(words);
      if (targets === undefined) return `\`${words.join(' ')}\` is not read here`;
      for (const path of targets.paths) {
        const absolute = isKnown(path) && literal(path) ? resolvePath(cwd, path) : undefined;
        if (absolute === undefined) return `\`${name}\` writes ${shown(path)}, a path known only when make runs`;
        found.artifacts.push(targets.folders ? `${absolute.replace(/\/$/, '')}/` : absolute);
      }
      continue;
    }
    const effects = sideEffectsOf(words, cwd);
    if (typeof effects === 'string') return effects.replace('the RUN also runs', 'it runs');
    if (name === 'mkdir') continue; // the folders the artifacts are copied into are made by COPY
    found.effects.push(...effects);
  }
  return undefined;
}

/**
 * Two readings of a Makefile (a conditional decided one way, then the other) come to the same move when the
 * first has no problem and both leave the same binaries and effects: make itself runs the recipes in the build
 * stage with the real values, so a version string in -ldflags may differ. A first reading with a problem is
 * not compared: its problem is the reason, not the conditional.
 */
function sameMove(facts: MakeFacts): SameRun {
  const outcome = (commands: RecipeCommand[]) => {
    const found = { artifacts: [] as string[], effects: [] as string[] };
    if (commands.some((recipe) => judgeRecipe(recipe, facts, found) !== undefined)) return undefined;
    return JSON.stringify([[...new Set(found.artifacts)].sort(), [...new Set(found.effects)].sort()]);
  };
  return (base, other) => {
    const first = outcome(base);
    return first === undefined || first === outcome(other);
  };
}

export function judgeMakeStep(run: DockerfileInstruction, lines: readonly string[], escape: string, facts: MakeFacts): MoveVerdict {
  if (facts.cgo) return refuse(`${facts.cgo}: ${CGO_NEEDS}`);
  if (EXEC_FORM.test(run.args))
    return refuse('the exec form runs no shell, so GOARM cannot follow the target variant: write make as a shell command');
  for (const name of ['GOOS', 'GOARCH', 'GOARM'])
    if (facts.variables.has(name))
      return refuse(`the stage sets ${name} itself (ENV or ARG) before make: in the build stage the target's ${name} would replace it`);
  const inline = inlineAssignments(run.args.replace(/^(\s*--\S+)+\s*/, ''));
  for (const [name, value] of inline)
    if (STEERING.has(name) && value !== STEERING.get(name) && !/\$\{?TARGET/.test(value))
      return refuse(
        name === 'CGO_ENABLED'
          ? `the RUN sets CGO_ENABLED=${value} for make: ${CGO_NEEDS}`
          : `the RUN sets ${name}=${value} for make: every image would get a ${name === 'GOARCH' ? value : 'fixed'} binary, whatever its platform; drop it so the target's ${name} reaches make`,
      );
  const found = { artifacts: [] as string[], effects: [] as string[] };
  const recipes: Array<{ recipe: RecipeCommand; shownCall: string }> = [];
  let cwd = facts.workdir;
  for (const words of parseRunCommands(run, lines, escape).map(unwrapEnv)) {
    const name = commandName(words);
    if (name === 'cd') {
      cwd = afterCd(cwd, words[1]);
      continue;
    }
    if (isGoPreparation([...words])) continue;
    if (!isMake(words)) {
      const effects = sideEffectsOf(words, cwd);
      if (typeof effects === 'string') return refuse(`${effects}: give make a RUN of its own`);
      found.effects.push(...effects);
      continue;
    }
    // The shell expands the RUN's words first: an ARG without a default comes from --build-arg, unknown here.
    const args = words.slice(1).map((w) => (w.includes('$') ? (expandWord(w, facts.variables, escape) ?? UNKNOWN_VALUE) : w));
    const invocation = parseMakeArguments(args, cwd);
    if (typeof invocation === 'string') return refuse(invocation);
    const shownCall = `\`${words.join(' ')}\``;
    const commands = makeCommands({ ...invocation, environment: environmentOf(facts.variables, inline) }, facts.read, 0, sameMove(facts));
    if (commands === undefined)
      return refuse(
        `${LEFT_AS_ADVICE}no Makefile for ${shownCall} comes from the build context before this step, so what it compiles is not known`,
      );
    if (typeof commands === 'string') return refuse(`${shownCall}: ${commands}`);
    recipes.push(...commands.map((recipe) => ({ recipe, shownCall })));
  }
  const compilesGo = ({ recipe }: (typeof recipes)[number]) =>
    parseShellCommands(recipe.text).some((words) => commandName(unwrapEnv(words)) === 'go' && unwrapEnv(words)[1] === 'build');
  if (!recipes.some(compilesGo))
    return refuse(
      `${LEFT_AS_ADVICE}make runs no \`go build\`: what it compiles needs a C cross toolchain for each target, which the image is not known to provide`,
    );
  // Every recipe's problem, so the decisive one (cgo, say) is never hidden behind a `touch` before it.
  const problems = recipes.flatMap(({ recipe, shownCall }) => {
    const why = judgeRecipe(recipe, facts, found);
    return why ? [`${shownCall} runs \`${recipe.text.split('\n')[0].trim()}\` (${recipe.where}): ${why}`] : [];
  });
  if (problems.length > 0) return refuse(problems.join('; and '));
  const artifacts = [...new Set(found.artifacts)].filter((a, _, all) => !all.some((b) => b !== a && b.endsWith('/') && a.startsWith(b)));
  const lost = found.effects.find((p) => !artifacts.some((a) => p === a || (a.endsWith('/') && p.startsWith(a)) || a.startsWith(`${p}/`)));
  if (lost) return refuse(`make also writes \`${lost}\`, outside what the image stage copies back (${artifacts.join(', ')})`);
  return { ok: true, artifacts, rewrite: (t) => withGoarm(t, escape), prelude: [] };
}
