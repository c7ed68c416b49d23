/**
 * Which commands compile or install native code, so that under QEMU they run instruction by instruction
 * through the emulator (2–50× slower than natively, and flaky on arm/v7), and how each toolchain does the
 * same work natively in a `$BUILDPLATFORM` stage instead.
 */

type Family = 'go' | 'rust' | 'node' | 'nx' | 'c' | 'java' | 'python' | 'dotnet';

// The fix is the same per toolchain, whichever of its commands was found.
const HINTS: Record<Family, string> = {
  go: 'build in a stage FROM --platform=$BUILDPLATFORM with GOOS=$TARGETOS GOARCH=$TARGETARCH go build (CGO_ENABLED=0, or xx-go for cgo), then COPY the binary',
  rust: 'cross-compile in a stage FROM --platform=$BUILDPLATFORM with cargo build --target <triple> (cargo-zigbuild, or xx-cargo from tonistiigi/xx), then COPY the binary',
  node: 'npm ci in a $BUILDPLATFORM stage with --os=linux --cpu=<arm64|arm|x64> (npm ≥10.1; amd64 is x64 to npm) so the prebuilt binaries for the target are installed, then COPY node_modules',
  // An Nx build of a Node app bundles JavaScript: the same output on every platform, built once.
  nx: 'split the stage: the install with dev dependencies and the nx build in a stage FROM --platform=$BUILDPLATFORM (its output is JavaScript), then COPY dist/ into a runtime stage that installs only production dependencies, per target (npm ci --omit=dev)',
  c: 'compile with a cross toolchain in a stage FROM --platform=$BUILDPLATFORM (xx-clang from tonistiigi/xx, or gcc-aarch64-linux-gnu), then COPY the binaries',
  java: 'build the jar in a stage FROM --platform=$BUILDPLATFORM; only the JRE stage needs the target platform',
  python:
    'pip install --only-binary=:all: to take prebuilt wheels, or fetch them from a $BUILDPLATFORM stage with pip download --only-binary=:all: --platform <manylinux tag>',
  dotnet:
    'dotnet publish -a $TARGETARCH in a stage FROM --platform=$BUILDPLATFORM (the .NET 8 SDK takes Docker arch names), then COPY the output into the runtime stage',
};

interface Rule {
  command: RegExp;
  family: Family;
  /** The subcommands that compile; absent when the command itself does. `''` stands for no subcommand. */
  subcommands?: readonly string[];
  /** The name to report when it differs from what was written: `mvnw` is `mvn`, `pip3` is `pip`. */
  name?: string;
  /** Options that make the step harmless: nothing compiles without install scripts, or without sdists. */
  safeWith?: (args: readonly string[]) => boolean;
  /** Options written before the subcommand that take the next word as their value (`yarn --network-timeout 600000`). */
  valued?: readonly string[];
}

const ignoresScripts = (args: readonly string[]) => args.includes('--ignore-scripts');
const onlyBinary = (args: readonly string[]) =>
  args.some((arg, i) => arg === '--only-binary=:all:' || (arg === '--only-binary' && args[i + 1] === ':all:'));

const RULES: readonly Rule[] = [
  // `go run` compiles its program before running it: the same compile, on the emulated CPU.
  { command: /^go$/, family: 'go', subcommands: ['build', 'install', 'run'] },
  { command: /^cargo$/, family: 'rust', subcommands: ['build', 'install'] },
  // Native modules build in install scripts (node-gyp), on the emulated CPU.
  {
    command: /^npm$/,
    family: 'node',
    subcommands: ['ci', 'install', 'i'],
    safeWith: ignoresScripts,
    valued: ['--prefix', '--cache', '--loglevel', '--registry', '--userconfig'],
  },
  {
    command: /^yarn$/,
    family: 'node',
    subcommands: ['', 'install'],
    safeWith: ignoresScripts,
    valued: ['--network-timeout', '--network-concurrency', '--cache-folder', '--modules-folder', '--mutex', '--registry', '--cwd'],
  },
  {
    command: /^pnpm$/,
    family: 'node',
    subcommands: ['install', 'i'],
    safeWith: ignoresScripts,
    valued: ['--dir', '-C', '--filter', '-F', '--reporter', '--loglevel', '--store-dir', '--registry'],
  },
  // The targets Nx runs build the app (webpack, esbuild, tsc) on the emulated CPU: minutes for a NestJS service.
  { command: /^nx$/, family: 'nx', subcommands: ['build', 'run', 'run-many', 'affected'] },
  // An sdist compiles its extensions; only `:all:` rules out every sdist.
  { command: /^pip[0-9.]*$/, family: 'python', subcommands: ['install'], name: 'pip', safeWith: onlyBinary },
  { command: /^dotnet$/, family: 'dotnet', subcommands: ['build', 'publish'] },
  { command: /^(gcc|g\+\+|cc|c\+\+|clang|clang\+\+|make|cmake)$/, family: 'c' },
  { command: /^mvnw?$/, family: 'java', name: 'mvn' },
  { command: /^gradlew?$/, family: 'java', name: 'gradle' },
];

// Spelled-out subcommands, so that `npm i` and `npm install` are one finding.
const SUBCOMMAND_NAMES: Record<string, string> = { i: 'install', '': 'install' };

// Commands that run the command after them (`env CGO_ENABLED=1 go build`, `sudo make install`), with the
// options of theirs that take a separate value, so that `nice -n 10 make` is a make.
const WRAPPERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['env', ['-u', '-C', '-S']],
  ['sudo', ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U']],
  ['nice', ['-n']],
  ['nohup', []],
  ['exec', ['-a']],
  ['command', []],
  ['eatmydata', []],
]);
const PYTHON = /^python[0-9.]*$/;
// What runs a package's binary: `npx nx`, `pnpm exec nx`, `yarn nx` (the word after it is the binary, for nx only:
// `yarn install` stays yarn's).
const BIN_RUNNERS = [['npx'], ['bunx'], ['pnpx'], ['pnpm', 'exec'], ['pnpm'], ['npm', 'exec'], ['yarn']];

/** `npx --yes nx build api` → `nx build api`; anything else as it is. */
function binaryRun(words: readonly string[]): readonly string[] {
  for (const runner of BIN_RUNNERS) {
    if (!runner.every((w, i) => basename(words[i] ?? '') === w)) continue;
    const rest = words.slice(runner.length);
    const at = rest.findIndex((w) => !w.startsWith('-'));
    if (at >= 0 && basename(rest[at]) === 'nx') return rest.slice(at);
  }
  return words;
}

/** The words from the command that does the work: past wrappers (and their options and assignments), and `python -m`. */
function unwrap(words: readonly string[]): readonly string[] {
  let i = 0;
  for (let valued = WRAPPERS.get(basename(words[i] ?? '')); valued !== undefined; valued = WRAPPERS.get(basename(words[i] ?? ''))) {
    i++;
    for (; i < words.length && (words[i].startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i])); i++) {
      if (valued.includes(words[i])) i++;
    }
  }
  const rest = binaryRun(words.slice(i));
  return rest.length > 2 && PYTHON.test(basename(rest[0])) && rest[1] === '-m' ? rest.slice(2) : rest;
}

const basename = (word: string) => word.slice(word.lastIndexOf('/') + 1);

/** The heavy tool a simple command runs, e.g. `go build`, `make`, `pip install`; undefined for anything else. */
export function detectHeavyTool(command: readonly string[]): string | undefined {
  const [first, ...args] = unwrap(command);
  if (first === undefined) return undefined;
  const name = basename(first);
  const rule = RULES.find((r) => r.command.test(name));
  if (rule === undefined || rule.safeWith?.(args)) return undefined;
  const tool = rule.name ?? name;
  if (rule.subcommands === undefined) return tool;
  // The subcommand is the first word that is not an option (`cargo +nightly build`, `yarn --frozen-lockfile`).
  const subcommand = args.find((arg, i) => !/^[-+]/.test(arg) && !rule.valued?.includes(args[i - 1])) ?? '';
  return rule.subcommands.includes(subcommand) ? `${tool} ${SUBCOMMAND_NAMES[subcommand] ?? subcommand}` : undefined;
}

/** Whether a tool `detectHeavyTool` reports is an Nx build (`nx build`, `nx run` …). */
export const isNxBuild = (tool: string | undefined): boolean => tool?.startsWith('nx ') === true;

/** How to move a tool's work to the build platform; tools are the names `detectHeavyTool` reports. */
export function crossCompileHint(tool: string): string {
  const command = tool.split(' ')[0];
  const rule = RULES.find((r) => r.command.test(command));
  return rule === undefined ? 'run it in a stage FROM --platform=$BUILDPLATFORM and cross-compile' : HINTS[rule.family];
}
