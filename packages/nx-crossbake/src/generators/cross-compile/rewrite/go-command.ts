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
}

/** `go build …` / `go install …` from a command's words (wrappers already removed); undefined for anything else. */
export function parseGoCommand(words: readonly string[]): GoCommand | undefined {
  const [go, subcommand, ...args] = words;
  if (go === undefined || !/(^|\/)go$/.test(go) || (subcommand !== 'build' && subcommand !== 'install')) return undefined;
  const command: GoCommand = { subcommand, packages: [] };
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
  return command;
}

function cgoReason(flags: ReadonlyMap<string, string>): string | undefined {
  const on = [...CGO_FLAGS].find((name) => flags.has(name) && flags.get(name) !== 'false');
  if (on) return `-${on} needs cgo`;
  const mode = flags.get('buildmode');
  if (mode && CGO_BUILDMODES.has(mode)) return `-buildmode=${mode} needs cgo`;
  if (/-linkmode[= ]+["']?external/.test(flags.get('ldflags') ?? '')) return '-linkmode external needs a C linker for the target';
  return undefined;
}
