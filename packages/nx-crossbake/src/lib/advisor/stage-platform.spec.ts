import { parseStage, type Stage } from './stage-platform';

const build = { kind: 'build' } as const;
const target = { kind: 'target' } as const;

describe('parseStage', () => {
  it.each([
    ['golang:1.22 AS build', { name: 'build', platform: target }],
    ['--platform=$BUILDPLATFORM golang:1.22 AS build', { name: 'build', platform: build }],
    ['--platform=${BUILDPLATFORM} golang AS Build', { name: 'build', platform: build }],
    ['--platform="$BUILDPLATFORM" golang', { name: '0', platform: build }],
    ['--platform=${BUILDPLATFORM:-linux/amd64} golang', { name: '0', platform: build }],
    ['--PLATFORM=$BUILDPLATFORM golang', { name: '0', platform: build }],
    ['--platform $BUILDPLATFORM golang', { name: '0', platform: build }],
    ['--platform=$TARGETPLATFORM alpine', { name: '0', platform: target }],
    ['--platform=$SOME_ARG alpine', { name: '0', platform: target }],
    ['--platform=$BUILDPLATFORM-x alpine', { name: '0', platform: target }],
    ['--platform=linux/amd64 alpine', { name: '0', platform: { kind: 'pinned', platform: 'linux/amd64' } }],
    ['--platform=Linux/ARM/v7 alpine', { name: '0', platform: { kind: 'pinned', platform: 'linux/arm/v7' } }],
    ['alpine as', { name: '0', platform: target }],
  ])('FROM %s', (args, expected) => {
    expect(parseStage(args, 0, '\\', [])).toEqual(expected);
  });

  describe('FROM an earlier stage', () => {
    const earlier: Stage[] = [
      { name: 'deps', platform: build },
      { name: '1', platform: build },
      { name: 'pinned', platform: { kind: 'pinned', platform: 'linux/amd64' } },
    ];

    it.each([
      ['deps AS compile', { name: 'compile', platform: build }],
      ['DEPS', { name: '3', platform: build }],
      ['"deps"', { name: '3', platform: build }],
      ['pinned', { name: '3', platform: { kind: 'pinned', platform: 'linux/amd64' } }],
      // An index is not a name FROM can use: `FROM 1` is an image called 1.
      ['1', { name: '3', platform: target }],
      ['--platform=$TARGETPLATFORM deps', { name: '3', platform: target }],
      ['alpine', { name: '3', platform: target }],
    ])('FROM %s', (args, expected) => {
      expect(parseStage(args, 3, '\\', earlier)).toEqual(expected);
    });
  });
});
