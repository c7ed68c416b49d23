import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adviseOnEmulation } from '../advisor/emulation-advisor';
import { crossCompileDockerfile } from './cross-compile';

const FIXTURES = join(__dirname, '__fixtures__');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const lines = (...text: string[]) => text.join('\n');
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const rewrite = (text: string, cgoSource?: string) => crossCompileDockerfile(text, { platforms: PLATFORMS, cgoSource });

// Each input and the Dockerfile it must become, written out by hand.
const REWRITES = ['classic', 'multi-stage', 'go-install-heredoc', 'escape-crlf'];

describe('crossCompileDockerfile', () => {
  describe.each(REWRITES)('%s', (name) => {
    const input = fixture(`${name}.Dockerfile`);
    const result = rewrite(input);

    it('becomes the expected Dockerfile', () => {
      expect(result.dockerfile).toBe(fixture(`${name}.expected.Dockerfile`));
      expect(result.skipped).toEqual([]);
    });

    it('leaves no Go compile on the target platform', () => {
      expect(adviseOnEmulation(result.dockerfile, PLATFORMS).filter((a) => a.tool.startsWith('go '))).toEqual([]);
    });

    it('is idempotent', () => {
      expect(rewrite(result.dockerfile).dockerfile).toBe(result.dockerfile);
    });
  });

  it('covers every fixture', () => {
    expect(readdirSync(FIXTURES).sort()).toEqual([...REWRITES.flatMap((n) => [`${n}.Dockerfile`, `${n}.expected.Dockerfile`]), 'mixed-tools.Dockerfile'].sort());
  });

  it('reports what moved and where', () => {
    expect(rewrite(fixture('multi-stage.Dockerfile')).rewritten).toEqual([{ line: 15, stage: 'api', tool: 'go build', buildStage: 'api-build' }]);
  });

  it('lists every other tool with its reason, and leaves a Go stage that cannot move', () => {
    const result = rewrite(fixture('mixed-tools.Dockerfile'));
    expect(result.dockerfile).toBe(fixture('mixed-tools.Dockerfile'));
    expect(result.skipped.map((s) => [s.line, s.tool, s.reason.split(':')[0]])).toEqual([
      [4, 'npm ci', 'line 4'],
      [5, 'make', 'left as advice'],
      [10, 'go build', 'line 10'],
    ]);
    // Without the build context no lockfile can be read (node-rewrite.spec.ts reads one).
    expect(result.skipped[0].reason).toMatch(/the build context is not known, so neither is the lockfile/);
    expect(result.skipped[2].reason).toMatch(/also runs `strip`, whose effects would not reach the final stage/);
  });

  it('keeps a byte-order mark, comments and blank lines', () => {
    const input = `\uFEFF# top\n\nFROM golang:1.22\n# where\nWORKDIR /app\n\n# compile\nRUN go build -o app .\n\n# run\nCMD ["./app"]\n`;
    const out = rewrite(input).dockerfile;
    expect(out.startsWith('\uFEFF# top\n\n# nx-crossbake')).toBe(true);
    expect(out).toContain('# compile\nCOPY --from=build /app/app /app/app\n\n# run\nCMD ["./app"]\n');
  });

  it('names the build stage apart from existing ones', () => {
    const input = lines('FROM golang:1.22 AS build', 'RUN echo', 'FROM golang:1.22', 'RUN go build -o /app .', 'FROM golang:1.22 AS stage1-build', '');
    expect(rewrite(input).rewritten[0].buildStage).toBe('stage1-build-2');
  });

  it('adds -o for go build of files, named as go names it', () => {
    const out = rewrite(lines('FROM golang:1.22', 'WORKDIR /src', 'RUN go build main.go util.go', '')).dockerfile;
    expect(out).toContain('COPY --from=build /src/main /src/main');
  });

  it('follows cd and ENV GOPATH, and copies paths with spaces in the JSON form', () => {
    expect(rewrite(lines('FROM golang:1.22', 'RUN cd /src && go build -o "my app" .', '')).dockerfile).toContain('COPY --from=build ["/src/my app", "/src/my app"]');
    expect(rewrite(lines('FROM golang:1.22', 'ENV GOPATH=/work', 'RUN go install ./...', '')).dockerfile).toContain('go build -o /work/bin/ ./...');
  });

  it('renumbers stage indexes after each inserted stage', () => {
    const input = lines('FROM golang:1.22', 'RUN go build -o /a .', 'FROM golang:1.22', 'RUN go build -o /b .', 'FROM alpine', 'COPY --from=0 /a /a', 'COPY --from=1 /b /b', '');
    const out = rewrite(input).dockerfile;
    expect(out).toContain('COPY --from=1 /a /a\nCOPY --from=3 /b /b');
  });

  it('moves go mod download to the build stage only, and keeps other RUNs in both', () => {
    const out = rewrite(lines('FROM golang:1.22', 'WORKDIR /src', 'RUN apt-get update && apt-get install -y git', 'RUN go mod download', 'RUN go build -o /app .', '')).dockerfile;
    const [build, final] = out.split('\n\nFROM golang:1.22\n');
    expect(build).toContain('RUN go mod download');
    expect(final).not.toContain('go mod download');
    expect(build).toContain('apt-get install');
    expect(final).toContain('apt-get install');
  });

  describe('refuses', () => {
    it.each([
      ['CGO_ENABLED=1', lines('FROM golang:1.22', 'RUN CGO_ENABLED=1 go build -o /app .'), /CGO_ENABLED=1/],
      ['ENV CGO_ENABLED=1', lines('FROM golang:1.22', 'ENV CGO_ENABLED=1', 'RUN go build -o /app .'), /CGO_ENABLED=1/],
      ['-race', lines('FROM golang:1.22', 'RUN go build -race -o /app .'), /-race needs cgo/],
      ['external linking', lines('FROM golang:1.22', 'RUN go build -ldflags "-linkmode external" -o /app .'), /linkmode external/],
      ['go build without -o', lines('FROM golang:1.22', 'RUN go build ./cmd/api'), /add `-o <path>`/],
      ['go install of a module version', lines('FROM golang:1.22', 'RUN go install example.com/tool@v1.0.0'), /@<version>/],
      ['go install where GOPATH is unknown', lines('FROM debian:bookworm', 'RUN apt-get update', 'RUN go install .'), /GOBIN/],
      ['a relative -o in an unknown folder', lines('FROM debian:bookworm', 'RUN go build -o app .'), /working directory is unknown/],
      ['a -o from the shell', lines('FROM golang:1.22', 'RUN go build -o $OUT .'), /depends on the shell/],
      ['other work in the compile RUN', lines('FROM golang:1.22', 'RUN go build -o /app . && cp /app /usr/bin/app'), /also runs `cp`/],
      ['a stage pinned to a platform', lines('FROM --platform=linux/arm64 golang:1.22', 'RUN go build -o /app .'), /pinned/],
      ['go install in the exec form', lines('FROM golang:1.22', 'RUN ["go", "install", "."]'), /exec form/],
      ['go build -C', lines('FROM golang:1.22', 'RUN go build -C cmd -o /app'), /-C/],
    ])('%s', (_, input, reason) => {
      const result = rewrite(`${input}\n`);
      expect(result.dockerfile).toBe(`${input}\n`);
      expect(result.rewritten).toEqual([]);
      expect(result.skipped).toHaveLength(1);
      expect(result.skipped[0].reason).toMatch(reason);
    });

    it('a project whose Go imports "C"', () => {
      const result = rewrite(fixture('classic.Dockerfile'), 'apps/api/sqlite.go');
      expect(result.dockerfile).toBe(fixture('classic.Dockerfile'));
      expect(result.skipped[0].reason).toMatch(/^apps\/api\/sqlite.go imports "C"/);
    });
  });

  it('accepts the exec form of go build: the environment comes from ENV', () => {
    const out = rewrite(lines('FROM golang:1.22', 'WORKDIR /src', 'RUN ["go", "build", "-o", "/app", "."]', '')).dockerfile;
    expect(out).toContain('ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH GOARM=${TARGETVARIANT#v}\nRUN ["go", "build", "-o", "/app", "."]');
    expect(out).toContain('COPY --from=build /app /app');
  });

  it('changes nothing in a Dockerfile that already cross-compiles', () => {
    const input = lines('FROM --platform=$BUILDPLATFORM golang:1.22 AS build', 'RUN GOARCH=$TARGETARCH go build -o /app .', 'FROM alpine', 'COPY --from=build /app /app', '');
    expect(rewrite(input)).toEqual({ dockerfile: input, rewritten: [], skipped: [] });
  });
});
