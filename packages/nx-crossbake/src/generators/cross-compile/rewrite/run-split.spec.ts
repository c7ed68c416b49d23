import { runOf, splitRun } from './run-split';

const texts = (run: string) => splitRun(run.split('\n'), '\\')?.pieces.map((p) => [p.text, p.separator]);

describe('splitRun', () => {
  it('cuts at top-level && and ;, keeping each piece as written', () => {
    expect(texts('RUN apk add upx && \\\n    go build -o /app && \\\n    upx --best /app; echo done')).toEqual([
      ['apk add upx', '&&'],
      ['go build -o /app', '&&'],
      ['upx --best /app', ';'],
      ['echo done', ''],
    ]);
  });

  it('does not cut inside quotes, $(…), backticks, || or pipes', () => {
    // A `{ …; }` group (or a subshell) keeps its `;` inside the piece it belongs to.
    expect(
      texts(`RUN test -z "$(gofmt -l . ; true)" || { echo "a && b"; exit 1; } && go build -o /app . && file /app | grep 'x;y'`),
    ).toEqual([
      ['test -z "$(gofmt -l . ; true)" || { echo "a && b"; exit 1; }', '&&'],
      ['go build -o /app .', '&&'],
      ["file /app | grep 'x;y'", ''],
    ]);
    expect(texts(`RUN go build -ldflags "-X a=b && c" -o /app . && echo \`date; true\` | tee /log || true`)).toEqual([
      ['go build -ldflags "-X a=b && c" -o /app .', '&&'],
      ['echo `date; true` | tee /log || true', ''],
    ]);
  });

  it('keeps the RUN flags in the head, and comment lines inside the piece they stand in', () => {
    const split = splitRun(
      ['RUN --mount=type=cache,target=/root/.cache \\', '  go build -o /app && \\', '  # shrink it', '  upx /app'],
      '\\',
    )!;
    expect(split.head).toBe('RUN --mount=type=cache,target=/root/.cache \\\n  ');
    expect(split.pieces.map((p) => p.text)).toEqual(['go build -o /app', '# shrink it\n  upx /app']);
    expect(runOf(split, split.pieces.slice(1))).toEqual(['RUN --mount=type=cache,target=/root/.cache \\', '  # shrink it', '  upx /app']);
  });

  it('leaves whole what it cannot cut safely', () => {
    expect(texts('RUN <<EOF\ngo build -o /app\nEOF')).toBeUndefined();
    expect(texts('RUN ["go", "build"]')).toBeUndefined();
    expect(texts('RUN if [ -n "$X" ]; then go build -o /app; fi')).toBeUndefined();
    expect(texts('RUN for p in a b; do go build -o /$p ./$p; done')).toBeUndefined();
    expect(splitRun(['RUN go build -o /app && upx /app'], '`')).toBeUndefined();
  });
});
