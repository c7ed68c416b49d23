/**
 * Which bake target has finished, read from buildx's plain progress while the bake runs (the metadata file comes
 * only when the whole bake ends). With `--metadata-file`, buildx ends each target's build with a step of its own,
 * `#N [<target>] resolving provenance for metadata file` and `#N DONE`, for every output type and driver; a pushed
 * image's digest is on its `#M pushing manifest for <name>@sha256:… done` line. Steps are named with their target
 * only on their first line (`#8 [fast] exporting to image`), so each step number is remembered. A bake of one
 * target names none: it ends with the bake, and nothing is read.
 * Results still come from the metadata file and the registry, never from this text: a target's end only starts
 * the registry's confirmation of that task (run/early-results.ts), and the metadata file settles every result.
 * Recorded in ../__fixtures__/bake-progress.*.plain.txt.
 */

export interface TargetEnd {
  target: string;
  /** The index digest buildx pushed for the target, when it pushed one. */
  digest?: string;
}

const HEADER = /^#(\d+) \[([^\s\]]+)(?: [^\]]*)?\] (.*)$/;
const PUSHED = /^#(\d+) pushing manifest for \S+@(sha256:[0-9a-f]{64}) .*done$/;
const DONE = /^#(\d+) DONE\b/;
const END_STEP = 'resolving provenance for metadata file';

/** A reader of one bake's progress, line by line: returns a target's end on the line that shows it, once. */
export function targetEnds(): (line: string) => TargetEnd | undefined {
  const targetOf = new Map<string, string>();
  const digests = new Map<string, string>();
  const ending = new Map<string, string>();
  const ended = new Set<string>();
  return (line) => {
    const header = HEADER.exec(line);
    if (header) {
      const [, step, target, name] = header;
      if (!targetOf.has(step)) targetOf.set(step, target);
      if (name === END_STEP) ending.set(step, target);
      return undefined;
    }
    const pushed = PUSHED.exec(line);
    if (pushed) {
      const target = targetOf.get(pushed[1]);
      if (target) digests.set(target, pushed[2]);
      return undefined;
    }
    const done = DONE.exec(line);
    const target = done && ending.get(done[1]);
    if (!target || ended.has(target)) return undefined;
    ended.add(target);
    return { target, digest: digests.get(target) };
  };
}
