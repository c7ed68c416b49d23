import { joinPathFragments, type Tree } from '@nx/devkit';

// `import "C"` alone, or inside an import block: how a Go file asks for cgo.
const IMPORTS_C = /^import\s+(?:_\s+)?"C"|^import\s*\([^)]*^\s*"C"\s*$/m;
const SKIPPED = new Set(['node_modules', '.git', 'testdata']);

/** The first non-test Go file under `root` that imports "C", or undefined. */
export function findCgoSource(tree: Tree, root: string): string | undefined {
  for (const child of tree.children(root)) {
    const path = joinPathFragments(root, child);
    if (tree.isFile(path)) {
      if (path.endsWith('.go') && !path.endsWith('_test.go') && IMPORTS_C.test(tree.read(path, 'utf-8') ?? '')) return path;
    } else if (!SKIPPED.has(child)) {
      const found = findCgoSource(tree, path);
      if (found) return found;
    }
  }
  return undefined;
}
