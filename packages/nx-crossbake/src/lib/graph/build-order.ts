import { CrossbakeError } from '../errors';

/**
 * The projects ordered so each comes after every project it builds FROM (`source` depends on `target`).
 * Otherwise the given order is kept: a base moves up to just before its first dependent, and the result
 * depends only on the order of `projects`, not of `edges`. Edges to projects not listed are ignored.
 * Throws, naming the cycle, when images are built from each other in a circle.
 */
export function buildOrder(projects: readonly string[], edges: ReadonlyArray<{ readonly source: string; readonly target: string }>): string[] {
  const position = new Map<string, number>();
  for (const project of projects) if (!position.has(project)) position.set(project, position.size);

  const bases = new Map<string, string[]>();
  for (const { source, target } of edges) {
    if (!position.has(source) || !position.has(target)) continue;
    const list = bases.get(source);
    if (list) list.push(target);
    else bases.set(source, [target]);
  }
  for (const list of bases.values()) list.sort((a, b) => position.get(a)! - position.get(b)!);

  const order: string[] = [];
  const done = new Set<string>();
  const onPath = new Set<string>();
  for (const root of position.keys()) {
    if (done.has(root)) continue;
    // Depth-first with an explicit stack: a long chain of images built FROM each other must not overflow the call stack.
    const stack = [{ project: root, next: 0 }];
    onPath.add(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const base = bases.get(top.project)?.[top.next++];
      if (base === undefined) {
        stack.pop();
        onPath.delete(top.project);
        done.add(top.project);
        order.push(top.project);
      } else if (onPath.has(base)) {
        throw cycleError([...stack.map((frame) => frame.project), base]);
      } else if (!done.has(base)) {
        onPath.add(base);
        stack.push({ project: base, next: 0 });
      }
    }
  }
  return order;
}

function cycleError(path: readonly string[]): CrossbakeError {
  const cycle = path.slice(path.indexOf(path[path.length - 1]));
  return new CrossbakeError(
    `project images are built from each other in a cycle: ${cycle.join(' → ')} (a → b: a's Dockerfile uses b's image), ` +
      'so no order can build them: remove one of these references.',
  );
}
