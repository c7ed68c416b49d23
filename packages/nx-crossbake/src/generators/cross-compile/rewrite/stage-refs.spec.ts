import { renumberStageRefs } from './stage-refs';

const plusOne = (n: number) => (n >= 1 ? n + 1 : n);

describe('renumberStageRefs', () => {
  it.each([
    ['COPY', 'COPY --from=1 /out/app /app', 'COPY --from=2 /out/app /app'],
    ['COPY', 'COPY --from=0 /out/app /app', 'COPY --from=0 /out/app /app'],
    ['COPY', 'COPY --chown=1:1 --from="3" /a /b', 'COPY --chown=1:1 --from="4" /a /b'],
    ['COPY', 'COPY --from=build /a /b', 'COPY --from=build /a /b'],
    ['COPY', 'COPY --from=12 /a /b', 'COPY --from=13 /a /b'],
    ['COPY', 'COPY a--from=1 /b', 'COPY a--from=1 /b'],
    ['RUN', 'RUN --mount=type=bind,from=1,source=/x,target=/y make', 'RUN --mount=type=bind,from=2,source=/x,target=/y make'],
    [
      'RUN',
      'RUN --mount=from=2,target=/y --mount=type=cache,target=/c make',
      'RUN --mount=from=3,target=/y --mount=type=cache,target=/c make',
    ],
    ['RUN', 'RUN --mount=type=cache,id=from=1,target=/c make', 'RUN --mount=type=cache,id=from=1,target=/c make'],
    ['RUN', 'RUN echo --from=1 from=1', 'RUN echo --from=1 from=1'],
    ['ENV', 'ENV X=--from=1', 'ENV X=--from=1'],
  ])('%s: %s', (keyword, line, expected) => {
    expect(renumberStageRefs(keyword, line, plusOne)).toBe(expected);
  });
});
