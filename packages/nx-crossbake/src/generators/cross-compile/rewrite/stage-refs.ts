/**
 * A stage inserted into a Dockerfile moves every later stage's index by one, so references written as
 * numbers (`COPY --from=0`, `RUN --mount=type=bind,from=1`) must follow, or they would name other stages.
 * Only the instruction's flags are touched: a heredoc body or a shell word that looks alike is left alone.
 */

/** `COPY --from=1` and `--mount=…,from=1,…`: the flag forms BuildKit reads a stage index from. */
const COPY_FROM = /(^|\s)(--from=)(["']?)(\d+)\3(?=\s|$)/g;
const MOUNT = /(^|\s)(--mount=)(\S+)/g;
const MOUNT_FROM = /(^|,)(from=)(\d+)(?=,|$)/g;

/**
 * Rewrites the numeric stage references in an instruction's lines (its head: the keyword line and its
 * continuations). `renumber` maps an old stage index to its new one.
 */
export function renumberStageRefs(keyword: string, line: string, renumber: (index: number) => number): string {
  if (keyword === 'COPY') return line.replace(COPY_FROM, (_, pre, flag, quote, n) => `${pre}${flag}${quote}${renumber(Number(n))}${quote}`);
  if (keyword === 'RUN') {
    return line.replace(
      MOUNT,
      (_, pre, flag, value: string) =>
        `${pre}${flag}${value.replace(MOUNT_FROM, (__, sep, key, n) => `${sep}${key}${renumber(Number(n))}`)}`,
    );
  }
  return line;
}
