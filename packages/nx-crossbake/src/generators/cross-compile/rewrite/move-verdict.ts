/** A step judged for the move to the build-platform stage: what the original stage copies back, or why it stays. */
export type MoveVerdict =
  | {
      ok: true;
      /** Absolute paths the original stage copies from the build stage; a trailing `/` copies a folder's contents. */
      artifacts: string[];
      /** The step's lines as the build stage runs them. */
      rewrite: (lines: readonly string[]) => string[];
      /** Instructions the build stage needs once, before the first such step (Go's cross-compile ENV). */
      prelude: readonly string[];
      /** What the move changes in what the step builds, for the user to read. */
      notes?: readonly string[];
      /** The part of the step the original stage still runs, after the copy-back (a split RUN), from its lines. */
      remainder?: (lines: readonly string[]) => string[];
    }
  | { ok: false; reason: string };

export const refuse = (reason: string): MoveVerdict => ({ ok: false, reason });

/** How the reason of a step this rewrite leaves where it is, without it keeping the stage's other steps, begins. */
export const LEFT_AS_ADVICE = 'left as advice: ';
