/**
 * Reads one `go build` / `go install` command the way the go tool reads its flags (`-flag value`,
 * `-flag=value`, `--flag`), to find where the binary goes and whether the build needs cgo.
 * See `go help build`: the flags below are the ones that take a value; every other flag is a boolean.
 */
const VALUED = new Set([
  'o',
  'p',
  'C',
  'asmflags',
  'buildmode',
  'buildvcs',
  'compiler',
  'gccgoflags',
  'gcflags',
  'installsuffix',
  'ldflags',
  'mod',
  'modfile',
  'overlay',
  'pgo',
  'pkgdir',
  'tags',
  'toolexec',
  'coverpkg',
  'covermode',
  'exec',
]);
const CGO_LINKER = 'the build stage has no C toolchain for other platforms, as cgo is off there';
// Each needs a C toolchain for the target: cgo, or the external linker.
const CGO_FLAGS = new Set(['race', 'msan', 'asan']);
const CGO_BUILDMODES = new Set(['c-archive', 'c-shared', 'plugin']);

interface GoCommand {
  subcommand: 'build' | 'install';
  /** The `-o` value as written, if any. */
  output?: string;
  /** `-C dir`: the go tool changes directory first. */
  chdir?: string;
  /** The package and file arguments. */
  packages: string[];
  /** Why this build needs cgo, when it does. */
  cgo?: string;
  /** `-buildmode=pie`: linked by Go itself only on some platforms (linkerProblem). */
  pie: boolean;
}

/** `go build …` / `go install …` from a command's words (wrappers already removed); undefined for anything else. */
export function parseGoCommand(words: readonly string[]): GoCommand | undefined {
  const [go, subcommand, ...args] = words;
  if (go === undefined || !/(^|\/)go$/.test(go) || (subcommand !== 'build' && subcommand !== 'install')) return undefined;
  const command: GoCommand = { subcommand, packages: [], pie: false };
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      command.packages.push(...args.slice(i + 1));
      break;
    }
    const flag = arg.match(/^--?([A-Za-z][\w-]*)(?:=(.*))?$/s);
    if (!flag) {
      command.packages.push(arg);
      continue;
    }
    const [, name, inline] = flag;
    const value = inline ?? (VALUED.has(name) && name !== 'buildvcs' ? args[++i] : 'true');
    flags.set(name, value ?? '');
  }
  command.output = flags.get('o');
  command.chdir = flags.get('C');
  command.cgo = cgoReason(flags);
  command.pie = flags.get('buildmode') === 'pie';
  return command;
}

/**
 * Where Go links a position-independent executable without a C linker, and from which Go 1.x on: Go's own
 * internal/platform.InternalLinkPIESupported for linux (Go 1.15 added amd64 and arm64; the later ones are
 * given the release that had them all). Elsewhere `-buildmode=pie` links externally, which needs cgo's C
 * toolchain for the target: `-buildmode=pie requires external (cgo) linking, but cgo is not enabled`.
 */
const INTERNAL_PIE: Record<string, number> = { amd64: 15, arm64: 15, ppc64le: 21, loong64: 21 };

/**
 * Why the build cannot link for every target without a C toolchain; undefined when it can. `goflags`: GOFLAGS
 * from the environment the compile runs in, which can ask for `-buildmode=pie` as well.
 */
export function linkerProblem(go: GoCommand, platforms: readonly string[], goMinor: number | undefined, goflags = ''): string | undefined {
  if (!go.pie && !/(^|\s)-buildmode=pie(\s|$)/.test(goflags)) return undefined;
  const external = platforms.filter((p) => {
    const since = INTERNAL_PIE[p.split('/')[1] ?? ''];
    return since === undefined || (goMinor !== undefined && goMinor < since);
  });
  if (external.length === 0) return undefined;
  return `-buildmode=pie links with an external C linker for ${external.join(', ')} (Go links PIE itself only for linux/${Object.keys(INTERNAL_PIE).join(', ')}, from Go 1.15): ${CGO_LINKER}`;
}

function cgoReason(flags: ReadonlyMap<string, string>): string | undefined {
  const on = [...CGO_FLAGS].find((name) => flags.has(name) && flags.get(name) !== 'false');
  if (on) return `-${on} needs cgo`;
  const mode = flags.get('buildmode');
  if (mode && CGO_BUILDMODES.has(mode)) return `-buildmode=${mode} needs cgo`;
  if (/-linkmode[= ]+["']?external/.test(flags.get('ldflags') ?? '')) return '-linkmode external needs a C linker for the target';
  return undefined;
}
