/**
 * The name the go tool gives a command's binary when no `-o` names it (`go build` in the working directory,
 * `go install` in the bin folder): the last element of the package's import path, or in module mode the one
 * before a major-version suffix (`example.com/cmd/v2` installs `cmd`; cmd/go's DefaultExecName, golang.org/issue/24667).
 * The import path comes from what the stage shows: a go.mod copied into the package's folder (the module root),
 * a go.mod above it (the folder's name), or GOPATH mode under $GOPATH/src without any go.mod. Anything else
 * stays unknown rather than guessed.
 */
import { posix } from 'node:path';

interface PackageFacts {
  /** Absolute working directory of the command; undefined when unknown. */
  cwd: string | undefined;
  /** The GOPATH's first entry, when known. */
  gopath: string | undefined;
  /** The go.mod the stage's copies leave in an image folder, or undefined (none, or unknown). */
  goModAt(dir: string): string | undefined;
}

// v2, v10…: not v0 or v1, which no module path ends in as a suffix.
const isMajorVersion = (element: string) => /^v([2-9]|[1-9]\d+)$/.test(element);

export function execName(importPath: string, moduleMode: boolean): string {
  const elements = importPath.split('/');
  const last = elements.at(-1)!;
  return moduleMode && elements.length > 1 && isMajorVersion(last) ? elements.at(-2)! : last;
}

const modulePath = (goMod: string) => goMod.match(/^\s*module\s+"?([^\s"]+)"?/m)?.[1];

function nameOfFolder(dir: string, facts: PackageFacts): string | undefined {
  for (let at = dir; ; at = posix.dirname(at)) {
    const goMod = facts.goModAt(at);
    if (goMod !== undefined) {
      const module = modulePath(goMod);
      if (module === undefined) return undefined;
      return execName(at === dir ? module : `${module}/${posix.relative(at, dir)}`, true);
    }
    if (at === '/') break;
  }
  const src = facts.gopath === undefined ? undefined : posix.join(facts.gopath, 'src');
  const inGopath = src !== undefined && dir.startsWith(`${src}/`);
  return inGopath ? posix.basename(dir) : undefined;
}

/** The binary name of one package argument (`.`, `./cmd/x`, an import path), or undefined when unknown. */
export function binaryName(pkg: string | undefined, facts: PackageFacts): string | undefined {
  if (pkg !== undefined && (pkg.includes('...') || pkg.includes('$') || pkg.endsWith('.go'))) return undefined;
  if (pkg === undefined || pkg === '.' || pkg.startsWith('./') || pkg.startsWith('../') || pkg.startsWith('/')) {
    const dir = facts.cwd === undefined && !pkg?.startsWith('/') ? undefined : posix.resolve(facts.cwd ?? '/', pkg ?? '.');
    return dir === undefined ? undefined : nameOfFolder(dir, facts);
  }
  // An import path, named as in module mode: the two modes differ only for a path ending in a major version.
  return execName(pkg.replace(/\/$/, ''), true);
}
