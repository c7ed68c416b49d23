/**
 * Which file of the build context a stage's COPY/ADD instructions leave at a path of the image, read as
 * BuildKit copies: a folder source copies its contents into the destination, a wildcard or several sources
 * need a folder destination, a single file to a destination without a trailing slash is that file.
 * The last copy that can write the path wins. `.dockerignore` is not applied.
 */
import { posix } from 'node:path';
import type { DockerfileInstruction } from '../../../../lib/dockerfile/instructions';
import { contextCopyOperands, contextPath, globRegExp, WILDCARD } from '../../../../lib/dockerfile/copy-operands';

export interface StageCopy {
  instruction: DockerfileInstruction;
  /** The WORKDIR it ran in; undefined when unknown. */
  workdir: string | undefined;
}

/** What the rewrite may know of the build context: context-relative posix paths, `.` its root. */
export interface BuildContext {
  isFile(path: string): boolean;
  isDirectory(path: string): boolean;
  read(path: string): string | undefined;
}

/** The context path of the file the copies leave at `imagePath` (absolute), or undefined when none does. */
export function contextSourceOf(
  imagePath: string,
  copies: readonly StageCopy[],
  context: BuildContext,
  escape: string,
): string | undefined {
  for (const copy of [...copies].reverse()) {
    const parsed = contextCopyOperands(copy.instruction, escape);
    if (parsed === undefined) continue;
    const dest = parsed.dest.startsWith('/') ? parsed.dest : copy.workdir === undefined ? undefined : posix.join(copy.workdir, parsed.dest);
    if (dest === undefined) continue;
    const destDir = posix.normalize(dest).replace(/\/$/, '') || '/';
    // A folder destination: written as one (`/app/`, `.`, `./`, `..`), or the WORKDIR itself, which exists once
    // WORKDIR ran (BuildKit copies a file into an existing folder, as `cp` does).
    const written = parsed.dest;
    const toFolder =
      written.endsWith('/') ||
      /(^|\/)\.\.?$/.test(written) ||
      (copy.workdir !== undefined && destDir === (posix.normalize(copy.workdir).replace(/\/$/, '') || '/')) ||
      parsed.sources.length > 1 ||
      parsed.sources.some((s) => WILDCARD.test(s));
    for (const raw of parsed.sources) {
      const source = contextPath(raw);
      let candidate: string | undefined;
      if (WILDCARD.test(posix.basename(source)) && !WILDCARD.test(posix.dirname(source))) {
        const name = posix.basename(imagePath);
        if (posix.dirname(imagePath) === destDir && globRegExp(posix.basename(source)).test(name))
          candidate = posix.join(posix.dirname(source), name);
      } else if (WILDCARD.test(source)) {
        continue;
      } else if (context.isDirectory(source)) {
        const inside = posix.relative(destDir, imagePath);
        if (inside && !inside.startsWith('..')) candidate = posix.join(source, inside);
      } else if (toFolder ? imagePath === posix.join(destDir, posix.basename(source)) : imagePath === destDir) {
        candidate = source;
      }
      if (candidate !== undefined && context.isFile(candidate)) return candidate;
    }
  }
  return undefined;
}
