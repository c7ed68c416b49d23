/**
 * Every build step of a run's plain progress (`#13 [api linux/arm64 2/3] COPY motd /etc/motd`) as
 * `<platform> <instruction>: <how it ended>`: `ran` for a step with a `#13 DONE 0.2s` line, `CACHED` for one with
 * `#13 CACHED`. Keyed by the step's number: BuildKit shows a step two targets share under either's name (a base's
 * steps also run for the image built FROM it), and the same number may be printed several times. FROM is left
 * out: BuildKit resolves the base image on every run and says DONE, never CACHED. A build of one platform names
 * none (`#13 [4/6] RUN npm ci`): that one is `platforms[0]`.
 */
export function buildSteps(output: string, platforms: readonly string[]): string[] {
  const steps = new Map<string, string>();
  const header = platforms.length === 1 ? /^#(\d+) \[(?:\S+ )?()\d+\/\d+\] (.+)$/gm : /^#(\d+) \[(?:\S+ )?(linux\/\S+) \d+\/\d+\] (.+)$/gm;
  for (const [, id, named, instruction] of output.matchAll(header)) {
    if (instruction.startsWith('FROM ')) continue;
    const ended = new RegExp(`^#${id} CACHED$`, 'm').test(output)
      ? 'CACHED'
      : new RegExp(`^#${id} DONE \\d`, 'm').test(output)
        ? 'ran'
        : 'no DONE line';
    steps.set(id, `${named || platforms[0]} ${instruction}: ${ended}`);
  }
  return [...new Set(steps.values())].sort();
}
