import { runMounts } from './run-mounts';

describe('runMounts', () => {
  it('reads each --mount of a RUN, bind by default, with the aliases of source and target', () => {
    expect(
      runMounts(
        '--mount=type=bind,source=package.json,target=package.json --mount=src=package-lock.json,dst=/app/package-lock.json --mount=type=cache,target=/root/.npm --network=none npm ci',
        '\\',
      ),
    ).toEqual([
      { type: 'bind', source: 'package.json', target: 'package.json' },
      { type: 'bind', source: 'package-lock.json', target: '/app/package-lock.json' },
      { type: 'cache', target: '/root/.npm' },
    ]);
  });

  it('reads a mount from a stage, a quoted field, the flag with its value apart, and stops at the command', () => {
    expect(runMounts('--mount "type=bind,from=build,source=/out,target=/in" --mount=TYPE=Secret,id=npmrc make --mount=x', '\\')).toEqual([
      { type: 'bind', from: 'build', source: '/out', target: '/in' },
      { type: 'secret' },
    ]);
  });
});
