/**
 * What `work` tells through its callback while it runs, as an async generator: each item is yielded as soon as
 * it is told, and the generator returns `work`'s result once it settles and every item told was yielded (or
 * throws its error then). How a batch executor hands Nx each task's result before the batch ends.
 */
export async function* asTheyCome<T, R>(work: (tell: (item: T) => void) => Promise<R>): AsyncGenerator<T, R> {
  const told: T[] = [];
  let wake: () => void = () => undefined;
  let running = true;
  const done = work((item) => {
    told.push(item);
    wake();
  }).finally(() => {
    running = false;
    wake();
  });
  // Nobody awaits `done` until the loop ends: its rejection is handled there, not reported as unhandled meanwhile.
  done.catch(() => undefined);
  for (;;) {
    while (told.length > 0) yield told.shift()!;
    if (!running) break;
    await new Promise<void>((resolve) => (wake = resolve));
  }
  return done;
}
