/**
 * One RUN that compiles Go, judged for the move to a build-platform stage: the binaries it leaves (the
 * artifacts the final stage copies back), the text that turns `go install` into `go build -o` and exports
 * GOARM, or the reason it must stay where it is. Cross-compiled, `go install` would write to
 * `$GOPATH/bin/$GOOS_$GOARCH/`, which no COPY written now could name, so it becomes a `go build -o` that
 * writes where `go install` writes natively: the binary's own path when its name is known, which every Go
 * accepts, else the bin folder, which only Go 1.13 and later accept.
 */
import { posix } from 'node:path';
import type { DockerfileInstruction } from '../../../lib/dockerfile/instructions';
import type { VariableValue } from '../../../lib/dockerfile/words';
import { parseRunCommands, unwrapEnv } from '../../../lib/advisor/run-commands';
import { binaryName, execName } from './go-binary-name';
import { linkerProblem, parseGoCommand } from './go-command';
import { isGoPreparation, runsGoCode } from './go-only';
import { runOf, splitRun, type RunPiece } from './run-split';
import { parseShellCommands } from '../../../lib/advisor/shell-commands';
import { withGoarm } from './goarm';
import { afterCd, literal, resolvePath } from './image-paths';
import { refuse, type MoveVerdict } from './move-verdict';
import { commandName, isCopiedBack, sideEffectsOf, splitRedirects } from './shell-effects';

export interface StageFacts {
  /** Absolute working directory before this step; undefined when neither the Dockerfile nor the image says. */
  workdir: string | undefined;
  /** Where `go install` writes: GOBIN, else the first GOPATH entry's bin; undefined when unknown. */
  installDir: string | undefined;
  /** The first GOPATH entry, when known. */
  gopath: string | undefined;
  /** GOBIN is set: `go install` writes there (cross-compiled, it refuses to). */
  gobin?: boolean;
  /** Go 1.x's minor version, as the golang image's tag names it; undefined when the tag names none. */
  goMinor: number | undefined;
  /** The go.mod the stage's copies so far leave in an image folder (see go-binary-name.ts). */
  goModAt(dir: string): string | undefined;
  /** The stage's ENV and ARG values so far. */
  variables: ReadonlyMap<string, VariableValue>;
  /** Why the project's Go needs cgo, found outside the Dockerfile (cgo-source.ts); moot where the build turns cgo off. */
  cgoUse?: string;
  /** The stage's ENV or ARG turns cgo on, or leaves its value to the build: then why. */
  cgo?: string;
  /** The target's platforms, for what links differently per platform (`-buildmode=pie`). */
  platforms?: readonly string[];
}

/** A RUN in the exec form (`RUN ["go", "build"]`), flags before it: no shell runs it. */
export const EXEC_FORM = /^(--\S+\s+)*\[/;
export const CGO_NEEDS = 'cgo needs a C cross-compiler per target (xx-go from tonistiigi/xx), which this rewrite does not add';
/** Why a project that needs cgo cannot simply turn it off. */
export const CGO_STUB = `CGO_ENABLED=0 would fail or build a stub, and ${CGO_NEEDS}`;
// An assignment of CGO_ENABLED to anything but a literal 0, anywhere in the RUN (its head or heredoc body).
const CGO_SET = /\bCGO_ENABLED=(?!["']?0(?![\w$]))(\S*)/;
const INSTALL = /(^|[\s;&|(])((?:\S*\/)?go)(\s+)install(?=\s|$)/g;

/** What the stage and the RUN's form say before its commands are read: why the compile cannot move, if so. */
function formProblem(run: DockerfileInstruction, text: string, facts: StageFacts): string | undefined {
  if (facts.cgo) return `${facts.cgo}: ${CGO_NEEDS}`;
  if (facts.cgoUse && !/\bCGO_ENABLED=["']?0(?![\w$])/.test(text) && facts.variables.get('CGO_ENABLED') !== '0')
    return `${facts.cgoUse}: ${CGO_STUB}`;
  const cgoSet = text.match(CGO_SET);
  if (cgoSet) return `the step sets CGO_ENABLED=${cgoSet[1]}: ${CGO_NEEDS}`;
  if (EXEC_FORM.test(run.args))
    return 'the exec form runs no shell, so GOARM cannot follow the target variant (v6, v7): write the compile as a shell command';
  return undefined;
}

/** What the RUN's commands compile and leave, piece by piece (run-split.ts), with every problem met. */
interface CompileReading {
  artifacts: string[];
  /** Paths the compile pieces write besides the binaries. */
  effects: string[];
  /** Each `go install` in text order: the `go build -o` path it becomes, or undefined for a path@version one, which stays. */
  installs: Array<string | undefined>;
  /** The bin folders of `go install <module>@<version>`, whose binary must be moved out of `<os>_<arch>/`. */
  fixups: string[];
  problems: string[];
  /** Pieces around the compiles: what they write, or undefined when that is not known (a command with effects). */
  around: Map<number, string[] | undefined>;
}

function readCompiles(
  pieces: ReadonlyArray<ReadonlyArray<readonly string[]>>,
  split: boolean,
  [first, last]: readonly [number, number],
  facts: StageFacts,
  runText: string,
): CompileReading {
  const reading: CompileReading = { artifacts: [], effects: [], installs: [], fixups: [], problems: [], around: new Map() };
  const { artifacts, problems, around } = reading;
  let here: StageFacts = facts;
  let cwd = facts.workdir;
  for (const [i, commands] of pieces.entries()) {
    const isAround = split && (i < first || i > last);
    if (isAround) around.set(i, []);
    for (const words of commands) {
      const { words: plain, writes } = splitRedirects(words);
      const go = parseGoCommand(plain);
      if (go === undefined) {
        if (commandName(words) === 'cd') {
          cwd = afterCd(cwd, words[1]);
          continue;
        }
        if (commandName(words) === 'export') here = exported(here, words.slice(1));
        if (isAround && i < first && runsGoCode(words))
          problems.push(`\`${words.slice(0, 2).join(' ')}\` before the compile would run for the build machine in the build stage`);
        if (isGoPreparation(words)) continue;
        const written = sideEffectsOf(words, cwd);
        if (isAround) around.set(i, typeof written === 'string' ? undefined : around.get(i) && [...around.get(i)!, ...written]);
        else if (typeof written === 'string') problems.push(`${written}: give the compile a RUN of its own`);
        else reading.effects.push(...written);
        continue;
      }
      if (writes.length > 0)
        problems.push(`the compile's output is redirected to \`${writes[0]}\`, which the final stage would not receive`);
      else if (go.cgo) problems.push(`${go.cgo}: ${CGO_NEEDS}`);
      else if (linkerProblem(go, facts.platforms ?? [], facts.goMinor, goflagsOf(here, runText)))
        problems.push(linkerProblem(go, facts.platforms ?? [], facts.goMinor, goflagsOf(here, runText))!);
      else if (go.chdir !== undefined) problems.push('`go build -C` is not rewritten: build from the folder with WORKDIR or cd instead');
      else {
        const artifact = artifactOf(go.subcommand, go.output, go.packages, cwd, here);
        if (typeof artifact !== 'string') problems.push(artifact.reason);
        else {
          const versioned = go.packages.some((p) => p.includes('@'));
          if (go.subcommand === 'install') reading.installs.push(versioned ? undefined : artifact);
          if (versioned) reading.fixups.push(posix.dirname(artifact));
          artifacts.push(artifact);
        }
      }
    }
  }
  return reading;
}

/** GOFLAGS for a compile: a `GOFLAGS=…` the shell text sets, else the stage's (ENV, ARG). */
export function goflagsOf(facts: Pick<StageFacts, 'variables'>, text: string): string {
  const inline = text.match(/\bGOFLAGS=("[^"]*"|'[^']*'|\S*)/)?.[1];
  const value = inline ?? facts.variables.get('GOFLAGS');
  return typeof value === 'string' ? value.replace(/^(['"])(.*)\1$/, '$2') : '';
}

/** `own`: the RUN's own lines, from `RUN` to its heredoc's end, as the rewrite will receive them. */
export function judgeGoStep(
  run: DockerfileInstruction,
  lines: readonly string[],
  own: readonly string[],
  escape: string,
  facts: StageFacts,
): MoveVerdict {
  const text = own.join('\n');
  const form = formProblem(run, text, facts);
  if (form) return refuse(form);
  // The RUN's commands by piece (split-run.ts); without pieces, the whole RUN is one.
  const split = splitRun(own, escape);
  const pieces = split
    ? split.pieces.map((p) => parseShellCommands(p.text).map(unwrapEnv))
    : [parseRunCommands(run, lines, escape).map(unwrapEnv)];
  const compiling = pieces.flatMap((commands, i) => (commands.some((w) => parseGoCommand(splitRedirects(w).words)) ? [i] : []));
  const [first, last] = [compiling[0] ?? 0, compiling.at(-1) ?? pieces.length - 1];
  // Every problem of the RUN, so one run of the generator names them all.
  const { artifacts, effects, installs, fixups, problems, around } = readCompiles(pieces, split !== undefined, [first, last], facts, text);
  // A piece around the compiles stays with them in the build stage when it leaves nothing but what is copied
  // back (the old rule for a whole RUN); the others, and everything after the first of them, stay in the image
  // stage, after the copy-back. Before the compiles, such a piece runs in both, as it ran before the compile.
  const twinable = (i: number) => around.get(i)?.every((path) => isCopiedBack(path, artifacts)) ?? false;
  let moveTo = last;
  while (moveTo + 1 < pieces.length && twinable(moveTo + 1)) moveTo++;
  const keepBefore = [...around.keys()].some((i) => i < first && !twinable(i));
  const lost = effects.find((path) => !isCopiedBack(path, artifacts));
  if (lost)
    problems.push(
      `the RUN also writes \`${lost}\`, outside what the final stage copies back (${artifacts.join(', ')}): give the compile a RUN of its own`,
    );
  const moved = split ? `${split.head}${split.script.slice(0, split.pieces[moveTo].end)}` : text;
  const fixed = hardCodedTarget(moved, problems);
  // The rewrite edits the text: every `go install` it would edit must be one the shell runs, not one inside quotes.
  if (installs.length > 0 && [...moved.matchAll(INSTALL)].length !== installs.length)
    problems.push(
      '`go install` also appears in text the shell does not run as a command (a quoted string, say): rewrite it to `go build -o` by hand',
    );
  if (problems.length > 0) return refuse([...new Set(problems)].join('; '));
  const after = split ? split.pieces.slice(moveTo + 1) : [];
  const kept = split && (keepBefore || after.length > 0) ? [...split.pieces.slice(0, first), ...after] : [];
  return {
    ok: true,
    artifacts,
    notes: [
      ...fixed.map(
        (f) =>
          `${f.assignment} is dropped from the compile: it built ${f.built} binaries into every image; each image now gets its own platform's`,
      ),
      ...(kept.length > 0
        ? [`the RUN is split: ${describe(kept)} stay${kept.length === 1 ? 's' : ''} in the image stage, after the binary is copied back`]
        : []),
    ],
    rewrite: (text) => rewriteCompile(text, { escape, moveTo, cutAfter: after.length > 0, fixed, installs, fixups }),
    remainder: kept.length > 0 ? (text) => runOf(splitRun(text, escape)!, kept) : undefined,
    prelude: [],
  };
}

/** The build stage's RUN: up to its last compile, `go install` as `go build -o`, hard-coded targets dropped, GOARM exported. */
function rewriteCompile(
  text: readonly string[],
  o: {
    escape: string;
    moveTo: number;
    cutAfter: boolean;
    fixed: ReturnType<typeof hardCodedTarget>;
    installs: ReadonlyArray<string | undefined>;
    fixups: readonly string[];
  },
): string[] {
  const cut = o.cutAfter ? splitRun(text, o.escape) : undefined;
  const upTo = cut ? `${cut.head}${cut.script.slice(0, cut.pieces[o.moveTo].end)}`.split('\n') : text;
  let n = 0;
  const runLines = withGoarm(
    upTo.map((line) =>
      o.fixed
        .reduce((l, f) => l.replace(f.pattern, '$1'), line)
        .replace(INSTALL, (match: string, before: string, go: string, space: string) => {
          const path = o.installs[n++];
          return path === undefined ? match : `${before}${go}${space}build -o ${path}`;
        }),
    ),
    o.escape,
  );
  const withFixups = [...runLines, ...[...new Set(o.fixups)].map(goInstallFixup)];
  return o.fixed.length === 0
    ? withFixups
    : [
        `# nx-crossbake:cross-compile: ${o.fixed.map((f) => f.assignment).join(' ')} dropped: the compile follows the target platform`,
        ...withFixups,
      ];
}

/**
 * After `go install <module>@<version>` for another platform, the binary is in `<bin>/<os>_<arch>/`; on the
 * build machine's own platform, in `<bin>`. The build stage moves it to `<bin>`, where the image stage copies it.
 */
const goInstallFixup = (bin: string) =>
  `RUN d="${bin}/\${TARGETOS}_\${TARGETARCH}"; if [ -d "$d" ]; then mv "$d"/* "${bin}/" && rmdir "$d"; fi`;

/** The facts after `export GOPATH=… GOBIN=…` in the RUN: where `go install` writes from then on. */
function exported(facts: StageFacts, assignments: readonly string[]): StageFacts {
  let next = facts;
  for (const word of assignments) {
    const [name, value] = word.split(/=(.*)/s);
    if (value === undefined || !literal(value) || (name !== 'GOPATH' && name !== 'GOBIN')) continue;
    if (name === 'GOBIN') next = { ...next, installDir: value, gobin: true };
    else next = { ...next, gopath: value.split(':')[0], installDir: next.gobin ? next.installDir : posix.join(value.split(':')[0], 'bin') };
  }
  return next;
}

/** `upx --best /app` and 1 more, for a note. */
const describe = (pieces: readonly RunPiece[]) =>
  `\`${pieces[0].text.split('\n')[0].slice(0, 60)}\`${pieces.length > 1 ? ` and ${pieces.length - 1} more` : ''}`;

interface HardCoded {
  assignment: string;
  built: string;
  /** The assignment and the blank after it, in the compile's text. */
  pattern: RegExp;
}

// `GOARCH=amd64 go build`: an assignment before the command, in the shell's prefix form.
const TARGET_ASSIGNMENT = /(^|[\s;&|(])(GOOS|GOARCH|GOARM)=(\S*)(?=\s)/g;

/**
 * GOOS/GOARCH/GOARM the compile sets itself. A literal value would win over the build stage's ENV and build
 * one platform's binary for every image (the original already did, into images of other platforms): it is
 * dropped, and said. GOOS=linux is every target's; a value from the target's variables follows it already.
 */
function hardCodedTarget(text: string, problems: string[]): HardCoded[] {
  const fixed: HardCoded[] = [];
  for (const [, , name, value] of text.matchAll(TARGET_ASSIGNMENT)) {
    if ((name === 'GOOS' && value === 'linux') || /\$\{?TARGET(OS|ARCH|VARIANT|PLATFORM)\b/.test(value)) continue;
    if (value.includes('$') || value.includes('`'))
      problems.push(`the compile sets ${name}=${value}, a value of the shell's that does not follow the target`);
    else if (name === 'GOOS') problems.push(`the compile sets GOOS=${value}: the image would not get a Linux binary`);
    else
      fixed.push({
        assignment: `${name}=${value}`,
        built: name === 'GOARCH' ? value : `GOARM=${value}`,
        pattern: new RegExp(`(^|[\\s;&|(])${name}=${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+`),
      });
  }
  return fixed;
}

// `go build -o <folder>/` writes each binary into the folder from Go 1.13 on; earlier, -o names a file.
const DIRECTORY_OUTPUT_SINCE = 13;

export function artifactOf(
  subcommand: 'build' | 'install',
  output: string | undefined,
  packages: readonly string[],
  cwd: string | undefined,
  facts: StageFacts,
): string | { reason: string } {
  const names = (packages.length > 0 ? packages : [undefined]).map((pkg) => binaryName(pkg, { ...facts, cwd }));
  const name = names.length === 1 ? names[0] : undefined;
  if (subcommand === 'install') {
    const versioned = packages.filter((p) => p.includes('@'));
    if (versioned.length > 0 && (packages.length > 1 || facts.gobin))
      return {
        reason: facts.gobin
          ? '`go install <module>@<version>` cross-compiled refuses to run with GOBIN set (go build has no path@version form): unset GOBIN, or install the tool in a stage of its own'
          : '`go install` of a <module>@<version> with other packages: install each in a RUN of its own',
      };
    if (facts.installDir === undefined)
      return {
        reason:
          '`go install` writes to $GOBIN or $GOPATH/bin, and neither this Dockerfile nor the image (not a golang image) says where that is: set ENV GOBIN, or use go build -o',
      };
    // path@version: go build has no such form, and cross-compiled go install writes to $GOPATH/bin/<os>_<arch>/;
    // the install stays, and the build stage moves the binary to where go install writes natively (goInstallFixup).
    if (versioned.length > 0) return `${facts.installDir}/${execName(versioned[0].replace(/@.*$/, ''), true)}`;
    // Cross-compiled, go install would write to $GOPATH/bin/<os>_<arch>/: the build writes where it writes natively.
    if (name !== undefined) return `${facts.installDir}/${name}`;
    if ((facts.goMinor ?? 0) >= DIRECTORY_OUTPUT_SINCE) return `${facts.installDir}/`;
    return {
      reason: `the binary's name is not known here, and \`go build -o ${facts.installDir}/\` (a folder) needs Go 1.13 or later, which the image's tag does not promise: write \`go build -o ${facts.installDir}/<name> <package>\``,
    };
  }
  if (output === undefined) {
    const file = packages.length > 0 && packages.every((p) => p.endsWith('.go')) ? posix.basename(packages[0], '.go') : name;
    if (file === undefined)
      return {
        reason:
          names.length > 1
            ? '`go build` of several packages without -o keeps no binary: build each with `-o <path>`'
            : "`go build` without -o names the binary after the package's import path, which is not known here: add `-o <path>` so the final stage can copy it",
      };
    output = file;
  }
  if (!literal(output)) return { reason: `the output path \`${output}\` depends on the shell: write it literally` };
  const resolved = resolvePath(cwd, output);
  return (
    resolved ?? {
      reason: `the output path \`${output}\` is relative and the working directory is unknown: set WORKDIR in the stage, or use an absolute -o`,
    }
  );
}
