import { parseDockerfileImageRefs, unresolvedFromImages } from './image-refs';

const lines = (...text: string[]) => text.join('\n');

describe('parseDockerfileImageRefs', () => {
  it.each([
    ['a single FROM', 'FROM node:20-alpine', ['node:20-alpine']],
    ['FROM with --platform', 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build', ['golang:1.22']],
    ['FROM with a spaced --platform', 'FROM --platform $BUILDPLATFORM golang:1.22', ['golang:1.22']],
    ['lower- and mixed-case instructions', lines('from alpine:3 as base', 'Copy --from=acme/tools:1 /t /t'), ['alpine:3', 'acme/tools:1']],
    [
      'a digest and a registry port',
      'FROM registry.example.com:5000/acme/api:1.2@sha256:abc',
      ['registry.example.com:5000/acme/api:1.2@sha256:abc'],
    ],
    ['COPY --from=<image>', lines('FROM alpine', 'COPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/'), ['alpine', 'ghcr.io/astral-sh/uv:0.4']],
    ['COPY --from <image>, leniently', lines('FROM alpine', 'COPY --from acme/tools /t /t'), ['alpine', 'acme/tools']],
    [
      'COPY --from among other flags',
      lines('FROM alpine', 'COPY --link --chown=1:1 --from="acme/tools:2" /t /t'),
      ['alpine', 'acme/tools:2'],
    ],
    [
      'RUN --mount from=',
      lines('FROM alpine', 'RUN --mount=type=bind,from=acme/tools:1,source=/t,target=/t make'),
      ['alpine', 'acme/tools:1'],
    ],
    ['RUN --mount with FROM= upper-case key', lines('FROM alpine', 'RUN --mount=FROM=acme/tools,target=/t make'), ['alpine', 'acme/tools']],
    ['a cache mount from an image', lines('FROM alpine', 'RUN --mount=type=cache,from=acme/seed,target=/c make'), ['alpine', 'acme/seed']],
    [
      'several mounts on one RUN',
      lines('FROM a', 'RUN --network=none --mount=from=b,target=/b --mount=from=c,target=/c x'),
      ['a', 'b', 'c'],
    ],
    ['a quoted mount', lines('FROM a', 'RUN --mount="type=bind,from=acme/tools,target=/t" x'), ['a', 'acme/tools']],
    [
      'continuation lines',
      lines('FROM \\', '  registry.example.com/acme/base:1 \\', '  AS base', 'COPY \\', '  --from=acme/tools \\', '  /t /t'),
      ['registry.example.com/acme/base:1', 'acme/tools'],
    ],
    ['unique refs, in order of first appearance', lines('FROM b', 'FROM a', 'FROM b', 'COPY --from=a /x /x'), ['b', 'a']],
    ['no images at all', lines('# nothing', 'FROM scratch', 'COPY app /app'), []],
    ['SCRATCH in any case', 'FROM Scratch', []],
  ])('%s', (_, dockerfile, refs) => {
    expect(parseDockerfileImageRefs(dockerfile)).toEqual(refs);
  });

  describe('stages are not images', () => {
    it.each([
      ['FROM <stage>', lines('FROM golang:1.22 AS build', 'FROM build'), ['golang:1.22']],
      ['COPY --from=<stage>', lines('FROM golang:1.22 AS build', 'FROM alpine', 'COPY --from=build /app /app'), ['golang:1.22', 'alpine']],
      [
        'RUN --mount from=<stage>',
        lines('FROM golang AS build', 'FROM alpine', 'RUN --mount=from=build,target=/b x'),
        ['golang', 'alpine'],
      ],
      [
        'a stage index',
        lines('FROM golang', 'FROM alpine', 'COPY --from=0 /app /app', 'RUN --mount=from=1,target=/b x'),
        ['golang', 'alpine'],
      ],
      ['a stage named in another case', lines('FROM golang AS Build', 'FROM BUILD', 'COPY --from=bUiLd /a /a'), ['golang']],
      ['a stage shadowing an image of the same name', lines('FROM node:20 AS node', 'FROM node', 'COPY --from=node /a /a'), ['node:20']],
      ['a stage its own FROM names: that one is the image', 'FROM alpine AS alpine', ['alpine']],
      [
        'COPY --from=<a later stage>',
        lines('FROM alpine', 'COPY --from=tools /t /t', 'FROM acme/tools AS tools'),
        ['alpine', 'acme/tools'],
      ],
    ])('%s', (_, dockerfile, refs) => {
      expect(parseDockerfileImageRefs(dockerfile)).toEqual(refs);
    });

    it('takes FROM <name> as an image when the stage of that name comes later', () => {
      expect(parseDockerfileImageRefs(lines('FROM base', 'FROM alpine AS base'))).toEqual(['base', 'alpine']);
    });
  });

  describe('ARG in FROM', () => {
    it.each([
      ['$VAR', lines('ARG BASE=registry.example.com/acme/base:1', 'FROM $BASE'), ['registry.example.com/acme/base:1']],
      ['${VAR}', lines('ARG BASE=registry.example.com/acme/base:1', 'FROM ${BASE} AS b'), ['registry.example.com/acme/base:1']],
      ['a variable inside a ref', lines('ARG TAG=1.22', 'FROM golang:${TAG}-alpine'), ['golang:1.22-alpine']],
      ['${VAR:-default} for an ARG without a default', lines('ARG BASE', 'FROM ${BASE:-acme/base:1}'), ['acme/base:1']],
      ['${VAR:-default} for an ARG with one', lines('ARG BASE=acme/base:2', 'FROM ${BASE:-acme/base:1}'), ['acme/base:2']],
      ['a quoted default', lines('ARG BASE="acme/base:1"', 'FROM $BASE'), ['acme/base:1']],
      ['several ARGs on one line', lines('ARG REG=r.example.com TAG=3', 'FROM ${REG}/api:${TAG}'), ['r.example.com/api:3']],
      [
        'a default built from an earlier ARG',
        lines('ARG REG=r.example.com', 'ARG BASE=${REG}/acme/base', 'FROM $BASE'),
        ['r.example.com/acme/base'],
      ],
      ['ARG keyword in lower case', lines('arg BASE=acme/base', 'FROM $BASE'), ['acme/base']],
      ['a re-declaration without a default', lines('ARG BASE=acme/base', 'ARG BASE', 'FROM $BASE'), ['acme/base']],
      ['a value that names a stage', lines('ARG FROM_STAGE=build', 'FROM golang AS build', 'FROM $FROM_STAGE'), ['golang']],
    ])('%s', (_, dockerfile, refs) => {
      expect(parseDockerfileImageRefs(dockerfile)).toEqual(refs);
    });

    it.each([
      ['an ARG without a default', lines('ARG BASE', 'FROM $BASE', 'FROM alpine')],
      ['an ARG without a default inside a ref', lines('ARG TAG', 'FROM acme/base:${TAG}', 'FROM alpine')],
      ['a per-platform build arg', lines('FROM acme/base-${TARGETARCH}', 'FROM alpine')],
      ['a default built from an unknown', lines('ARG TAG', 'ARG BASE=acme/base:${TAG}', 'FROM ${BASE:-x}', 'FROM alpine')],
      ['an ARG declared only inside a stage', lines('FROM alpine', 'ARG BASE=acme/base', 'FROM ${BASE}')],
    ])('skips a reference using %s', (_, dockerfile) => {
      expect(parseDockerfileImageRefs(dockerfile)).toEqual(['alpine']);
    });

    it('lets build args override defaults and fill in ARGs without one', () => {
      const dockerfile = lines('ARG BASE=acme/base:1', 'ARG TOOLS', 'FROM $BASE', 'FROM $TOOLS');
      expect(parseDockerfileImageRefs(dockerfile, { BASE: 'acme/base:ci', TOOLS: 'acme/tools:2' })).toEqual([
        'acme/base:ci',
        'acme/tools:2',
      ]);
    });

    it('ignores build args for ARGs the Dockerfile does not declare, as the build does', () => {
      expect(parseDockerfileImageRefs('FROM acme/api${SUFFIX}', { SUFFIX: '-debug' })).toEqual(['acme/api']);
    });
  });

  describe('what BuildKit would not build from', () => {
    it.each([
      ['a variable in COPY --from', lines('ARG T=acme/tools', 'FROM alpine', 'COPY --from=$T /t /t')],
      ['a variable in mount from=', lines('ARG T=acme/tools', 'FROM alpine', 'RUN --mount=from=${T},target=/t x')],
      [
        'a tmpfs, secret or ssh mount',
        lines('FROM alpine', 'RUN --mount=type=tmpfs,from=x,target=/t --mount=type=secret,id=s,from=y --mount=type=SSH,from=z x'),
      ],
      ['ONBUILD instructions, which run in the images built from this one', lines('FROM alpine', 'ONBUILD COPY --from=acme/tools /t /t')],
      ['a FROM inside a heredoc', lines('FROM alpine', 'RUN <<EOF', 'FROM acme/evil', 'COPY --from=acme/evil /x /x', 'EOF')],
      ['a FROM in a comment or a continued comment', lines('# FROM acme/evil', 'FROM alpine \\', '# FROM acme/evil', '  AS final')],
      ['a mount without from', lines('FROM alpine', 'RUN --mount=type=cache,target=/root/.cache x')],
    ])('%s', (_, dockerfile) => {
      expect(parseDockerfileImageRefs(dockerfile)).toEqual(['alpine']);
    });
  });

  it('reads a Windows Dockerfile that escapes with a backtick', () => {
    const dockerfile = lines(
      '# escape=`',
      'ARG BASE=mcr.microsoft.com/windows/servercore:ltsc2022',
      'FROM $BASE `',
      '  AS base',
      'COPY --from=acme/tools c:\\t c:\\t',
    );
    expect(parseDockerfileImageRefs(dockerfile)).toEqual(['mcr.microsoft.com/windows/servercore:ltsc2022', 'acme/tools']);
  });

  it('reads a realistic multi-stage Dockerfile', () => {
    const dockerfile = lines(
      '# syntax=docker/dockerfile:1.7',
      'ARG REGISTRY=registry.example.com:5000',
      'ARG NODE=node:20-alpine',
      '',
      'FROM --platform=$BUILDPLATFORM ${NODE} AS deps',
      'WORKDIR /app',
      'RUN --mount=type=cache,target=/root/.npm \\',
      '    --mount=type=bind,source=package.json,target=package.json \\',
      '    npm ci',
      '',
      'FROM deps AS build',
      'COPY . .',
      'RUN <<EOF',
      'npm run build',
      'EOF',
      '',
      'FROM ${REGISTRY}/acme/runtime:1 AS final',
      'COPY --from=build /app/dist /app',
      'COPY --from=${REGISTRY}/acme/certs /certs /certs',
      'COPY --from=registry.example.com:5000/acme/certs:2 /certs /certs',
    );
    expect(parseDockerfileImageRefs(dockerfile)).toEqual([
      'node:20-alpine',
      'registry.example.com:5000/acme/runtime:1',
      'registry.example.com:5000/acme/certs:2',
    ]);
  });

  it('never throws, whatever it is given', () => {
    for (const text of [
      '',
      'FROM',
      'FROM --platform=x',
      'COPY --from',
      'RUN --mount',
      'RUN --mount=',
      'ARG',
      'ARG =x',
      'FROM ${',
      'FROM $',
      'RUN <<',
    ]) {
      expect(() => parseDockerfileImageRefs(text)).not.toThrow();
    }
    expect(parseDockerfileImageRefs('FROM $')).toEqual([]);
    expect(parseDockerfileImageRefs('FROM "a b"')).toEqual([]);
  });
});

describe('unresolvedFromImages', () => {
  it.each([
    ['a per-platform ARG', 'FROM alpine:${TARGETARCH}\n', {}, ['alpine:${TARGETARCH}']],
    ['an ARG without a default', 'ARG BASE\nFROM $BASE\n', {}, ['$BASE']],
    ['an ARG given as a build arg', 'ARG BASE\nFROM $BASE\n', { BASE: 'alpine:3' }, []],
    ['an ARG with a default', 'ARG V=3\nFROM alpine:$V\nFROM --platform=$BUILDPLATFORM golang:1 AS b\n', {}, []],
  ])('%s', (_, dockerfile, args, expected) => {
    expect(unresolvedFromImages(dockerfile, args)).toEqual(expected);
  });
});
