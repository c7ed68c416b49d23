/**
 * Go modules known to need cgo: built with CGO_ENABLED=0 they fail to compile, or compile to a stub that
 * fails at run time (go-sqlite3: "Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to
 * work. This is a stub"). The golang images ship gcc, so the original, emulated build had cgo on and they
 * worked there. A go.mod that requires one refuses the rewrite. Since Go 1.17 go.mod lists every module
 * that provides a package to the build, indirect ones included, so reading go.mod is enough for the
 * modules named here; a dependency that uses cgo and is not on this list cannot be seen (docs/cross-compile.md).
 */
const MODULES: ReadonlyMap<string, string> = new Map([
  ['github.com/mattn/go-sqlite3', 'wraps SQLite in C; without cgo it builds a stub that fails at run time'],
  ['github.com/mattn/go-oci8', 'wraps Oracle OCI in C'],
  ['github.com/godror/godror', 'wraps Oracle ODPI-C'],
  ['github.com/confluentinc/confluent-kafka-go', 'links librdkafka through cgo'],
  ['github.com/DataDog/zstd', 'compiles zstd from C'],
  ['github.com/valyala/gozstd', 'links zstd through cgo'],
  ['github.com/tecbot/gorocksdb', 'wraps RocksDB in C++'],
  ['github.com/linxGnu/grocksdb', 'wraps RocksDB in C++'],
  ['github.com/libgit2/git2go', 'wraps libgit2'],
  ['github.com/miekg/pkcs11', 'calls PKCS#11 libraries through cgo'],
  ['github.com/go-gl/glfw', 'wraps GLFW in C'],
  ['github.com/go-gl/gl', 'calls OpenGL through cgo'],
  ['gopkg.in/gographics/imagick.v2', 'wraps ImageMagick'],
  ['gopkg.in/gographics/imagick.v3', 'wraps ImageMagick'],
  ['github.com/h2non/bimg', 'wraps libvips'],
  ['github.com/davidbyttow/govips', 'wraps libvips'],
]);

/** Module paths after `require`, in its one-line and block forms; `// indirect` and other directives ignored. */
export function requiredModules(goMod: string): string[] {
  const modules: string[] = [];
  let inBlock = false;
  for (const raw of goMod.split(/\r?\n/)) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (inBlock) {
      if (line === ')') inBlock = false;
      else if (line) modules.push(line.split(/\s+/)[0]);
      continue;
    }
    const require = line.match(/^require\s+(\(|\S+)/);
    if (require?.[1] === '(') inBlock = true;
    else if (require) modules.push(require[1]);
  }
  return modules.map((m) => m.replace(/^"(.*)"$/, '$1'));
}

/** The first required module on the list, with why it needs cgo; a `/vN` major suffix is the same module. */
export function cgoModuleOf(goMod: string): { module: string; reason: string } | undefined {
  for (const module of requiredModules(goMod)) {
    const reason = MODULES.get(module.replace(/\/v\d+$/, ''));
    if (reason) return { module, reason };
  }
  return undefined;
}
