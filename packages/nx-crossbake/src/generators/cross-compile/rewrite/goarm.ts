/**
 * GOARM from the target's variant (v6, v7), set in the shell of each moved Go RUN rather than by ENV.
 * `ENV GOARM=${TARGETVARIANT#v}` needs the `#` modifier of Dockerfile frontend 1.7 (Docker Engine 26);
 * older engines fail the build, and a `# syntax=` line to get a newer frontend pulls docker/dockerfile
 * from Docker Hub, out of reach offline. `${VAR#prefix}` is POSIX sh, TARGETVARIANT (declared by ARG) is
 * in the RUN's environment, and BuildKit hands a RUN heredoc to the shell unexpanded: the shell works on
 * every engine. An empty variant gives an empty GOARM, which Go reads as unset.
 */
import { headEnd, skippable } from './dockerfile-spans';

const GOARM_EXPORT = 'export GOARM="${TARGETVARIANT#v}"';
const HEREDOC = /^\d*<<-?(['"]?)[^<'"\s]+\1$/;

/** The RUN's lines (its first line `RUN …`, continuations, heredoc body) with GOARM exported before its commands. */
export function withGoarm(lines: readonly string[], escape: string): string[] {
  const out = [...lines];
  const head = headEnd(lines, 0, escape);
  for (let i = 0; i <= head; i++) {
    if (i > 0 && skippable(lines[i])) continue;
    const before = lines[i].match(i === 0 ? /^\s*RUN\s+(--\S+\s+)*/i : /^\s*(--\S+\s+)*/)![0];
    const rest = lines[i].slice(before.length);
    // Only flags on this line so far: the command starts on a continuation line.
    if (rest.trim() === '' || rest.trim() === escape) continue;
    if (HEREDOC.test(rest.split(/\s+/)[0])) {
      // The heredoc is the script: its first line (after a shebang) exports GOARM.
      const body = head + 1;
      out.splice(lines[body]?.startsWith('#!') ? body + 1 : body, 0, GOARM_EXPORT);
      return out;
    }
    out[i] = `${before}${GOARM_EXPORT}; ${rest}`;
    return out;
  }
  return out;
}
