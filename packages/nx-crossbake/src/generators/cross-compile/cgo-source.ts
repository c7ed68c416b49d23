/**
 * Whether the Go the target's build context holds uses cgo: a source file that imports "C" (vendored
 * dependencies included), or a go.mod that requires a module known to need cgo (rewrite/go-mod). The
 * context, not the project folder, is what the image's build sees.
 */
import { joinPathFragments, type Tree } from '@nx/devkit';
import { cgoModuleOf } from './rewrite/go-mod/cgo-modules';

// `import "C"` alone, or inside an import block: how a Go file asks for cgo.
const IMPORTS_C = /^import\s+(?:_\s+)?"C"|^import\s*\([^)]*^\s*"C"\s*$/m;
const SKIPPED = new Set(['node_modules', '.git', 'testdata']);

/** Why the Go under `root` (workspace-relative, `.` for the workspace) uses cgo, naming the file; undefined when nothing shows it. */
export function findCgoUse(tree: Tree, root: string): string | undefined {
  for (const child of tree.children(root)) {
    const path = root === '.' ? child : joinPathFragments(root, child);
    if (!tree.isFile(path)) {
      const found = SKIPPED.has(child) ? undefined : findCgoUse(tree, path);
      if (found) return found;
      continue;
    }
    if (child === 'go.mod') {
      const cgo = cgoModuleOf(tree.read(path, 'utf-8') ?? '');
      if (cgo) return `${path} requires ${cgo.module}, which ${cgo.reason}`;
    } else if (path.endsWith('.go') && !path.endsWith('_test.go') && IMPORTS_C.test(tree.read(path, 'utf-8') ?? '')) {
      return `${path} imports "C"`;
    }
  }
  return undefined;
}
