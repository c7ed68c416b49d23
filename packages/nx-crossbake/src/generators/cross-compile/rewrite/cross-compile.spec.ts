import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adviseOnEmulation } from '../../../lib/advisor/emulation-advisor';
import { crossCompileDockerfile } from './cross-compile';

const FIXTURES = join(__dirname, '__fixtures__');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const lines = (...text: string[]) => text.join('\n');
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const rewrite = (text: string, cgo?: string) => crossCompileDockerfile(text, { platforms: PLATFORMS, cgo });

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
    expect(readdirSync(FIXTURES).sort()).toEqual(
      [...REWRITES.flatMap((n) => [`${n}.Dockerfile`, `${n}.expected.Dockerfile`]), 'mixed-tools.Dockerfile'].sort(),
    );
  });

  it('reports what moved and where', () => {
    expect(rewrite(fixture('multi-stage.Dockerfile')).rewritten).toEqual([
      { line: 15, stage: 'api', tool: 'go build', buildStage: 'api-build', notes: [] },
    ]);
  });

  it('lists every other tool with its reason, and still moves the Go stage', () => {
    const result = rewrite(fixture('mixed-tools.Dockerfile'));
    // Each step with its own reason; without the build context no lockfile can be read (node-rewrite.spec.ts reads one).
    expect(result.skipped.map((s) => [s.line, s.tool, s.reason.split(':')[0]])).toEqual([
      [4, 'npm ci', 'the build context is not known, so neither is the lockfile'],
      [5, 'make', 'left as advice'],
    ]);
    // `strip` stays in the image stage, after the copy-back: a split RUN.
    expect(result.rewritten.map((r) => [r.line, r.tool])).toEqual([[10, 'go build']]);
    expect(result.dockerfile).toContain('COPY --from=api-build /out/api /out/api\nRUN strip /out/api\n');
  });

  it('keeps a byte-order mark, comments and blank lines', () => {
    const input = `\uFEFF# top\n\nFROM golang:1.22\n# where\nWORKDIR /app\n\n# compile\nRUN go build -o app .\n\n# run\nCMD ["./app"]\n`;
    const out = rewrite(input).dockerfile;
    expect(out.startsWith('\uFEFF# top\n\n# nx-crossbake')).toBe(true);
    expect(out).toContain('# compile\nCOPY --from=build /app/app /app/app\n\n# run\nCMD ["./app"]\n');
  });

  it('names the build stage apart from existing ones', () => {
    const input = lines(
      'FROM golang:1.22 AS build',
      'RUN echo',
      'FROM golang:1.22',
      'RUN go build -o /app .',
      'FROM golang:1.22 AS stage1-build',
      '',
    );
    expect(rewrite(input).rewritten[0].buildStage).toBe('stage1-build-2');
  });

  it('adds -o for go build of files, named as go names it', () => {
    const out = rewrite(lines('FROM golang:1.22', 'WORKDIR /src', 'RUN go build main.go util.go', '')).dockerfile;
    expect(out).toContain('COPY --from=build /src/main /src/main');
  });

  it('follows cd and ENV GOPATH, and copies paths with spaces in the JSON form', () => {
    expect(rewrite(lines('FROM golang:1.22', 'RUN cd /src && go build -o "my app" .', '')).dockerfile).toContain(
      'COPY --from=build ["/src/my app", "/src/my app"]',
    );
    expect(rewrite(lines('FROM golang:1.22', 'ENV GOPATH=/work', 'RUN go install ./...', '')).dockerfile).toContain(
      'go build -o /work/bin/ ./...',
    );
  });

  // `go build -o <folder>/` needs Go 1.13 (its release notes); a file -o works on every Go.
  it("turns go install into go build -o of the binary's own path, or of the bin folder only on Go 1.13 and later", () => {
    const gopathMode = (image: string) => lines(`FROM ${image}`, 'WORKDIR /go/src/github.com/acme/tool', 'COPY . .', 'RUN go install', '');
    for (const image of ['golang:1.8.3-alpine3.6', 'golang:1.22', 'golang:latest']) {
      const out = rewrite(gopathMode(image)).dockerfile;
      expect(out).toContain('go build -o /go/bin/tool\n');
      expect(out).toContain('COPY --from=build /go/bin/tool /go/bin/tool');
    }
    const several = (image: string) => rewrite(lines(`FROM ${image}`, 'WORKDIR /app', 'COPY . .', 'RUN go install ./cmd/a ./cmd/b', ''));
    expect(several('golang:1.13').dockerfile).toContain('go build -o /go/bin/ ./cmd/a ./cmd/b');
    for (const image of ['golang:1.12', 'golang:1.11-alpine', 'golang:alpine', 'golang:${GO_VERSION}'])
      expect(several(image).skipped[0]?.reason).toMatch(/needs Go 1\.13 or later, which the image's tag does not promise/);
  });

  it('drops a GOARCH the compile hard-codes, and says what changes', () => {
    const result = rewrite(
      lines('FROM golang:1.22', 'WORKDIR /app', 'RUN CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOARM=7 go build -o app .', ''),
    );
    expect(result.dockerfile).toContain(
      '# nx-crossbake:cross-compile: GOARCH=amd64 GOARM=7 dropped: the compile follows the target platform\nRUN export GOARM="${TARGETVARIANT#v}"; CGO_ENABLED=0 GOOS=linux go build -o app .\n',
    );
    expect(result.rewritten[0].notes).toEqual([
      "GOARCH=amd64 is dropped from the compile: it built amd64 binaries into every image; each image now gets its own platform's",
      "GOARM=7 is dropped from the compile: it built GOARM=7 binaries into every image; each image now gets its own platform's",
    ]);
    const byEnv = rewrite(lines('FROM golang:1.22', 'ENV GOARCH=arm64', 'RUN go build -o /app .', ''));
    expect(byEnv.rewritten[0].notes).toEqual([
      "GOARCH=arm64, set by the stage, is replaced by the target's in the build stage: the original built arm64 binaries into every image",
    ]);
    expect(rewrite(lines('FROM golang:1.22', 'RUN GOARCH=$TARGETARCH go build -o /app .', '')).rewritten[0].notes).toEqual([]);
  });

  it('names every problem of a RUN at once', () => {
    const result = rewrite(lines('FROM golang:1.22', 'RUN GOOS=windows GOARCH=$ARCH go build ./cmd/... && strip /app', ''));
    expect(result.skipped[0].reason).toBe(
      "`go build` without -o names the binary after the package's import path, which is not known here: add `-o <path>` so the final stage can copy it; the compile sets GOOS=windows: the image would not get a Linux binary; the compile sets GOARCH=$ARCH, a value of the shell's that does not follow the target",
    );
  });

  // BuildKit ignores --platform on a stage reference: the build stage is FROM twins of the chain instead.
  it('moves the compile of a stage FROM an earlier stage, through twins of the chain', () => {
    const input = lines(
      'FROM golang:1.22 AS base',
      'RUN apt-get update',
      'FROM base',
      'RUN go build -o /app .',
      'FROM alpine',
      'COPY --from=1 /app /app',
    );
    expect(rewrite(input).dockerfile).toBe(
      lines(
        'FROM golang:1.22 AS base',
        'RUN apt-get update',
        '# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)',
        'FROM --platform=$BUILDPLATFORM golang:1.22 AS base-build',
        'RUN apt-get update',
        '',
        'FROM base-build AS build',
        'ARG TARGETOS TARGETARCH TARGETVARIANT',
        'ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH',
        'RUN export GOARM="${TARGETVARIANT#v}"; go build -o /app .',
        '',
        'FROM base',
        'COPY --from=build /app /app',
        'FROM alpine',
        // Two stages were inserted before the one this copies from.
        'COPY --from=3 /app /app',
      ),
    );
  });

  // go build has no path@version form; cross-compiled, go install writes to $GOPATH/bin/<os>_<arch>/.
  it('keeps go install of a module version, and moves the binary to where the image stage copies it from', () => {
    const out = rewrite(lines('FROM golang:1.22', 'RUN export GOPATH=/root/go && go install example.com/tool/v2@v2.1.0', '')).dockerfile;
    expect(out).toContain(
      [
        'RUN export GOARM="${TARGETVARIANT#v}"; export GOPATH=/root/go && go install example.com/tool/v2@v2.1.0',
        'RUN d="/root/go/bin/${TARGETOS}_${TARGETARCH}"; if [ -d "$d" ]; then mv "$d"/* "/root/go/bin/" && rmdir "$d"; fi',
      ].join('\n'),
    );
    expect(out).toContain('COPY --from=build /root/go/bin/tool /root/go/bin/tool\n');
  });

  it('renumbers stage indexes after each inserted stage', () => {
    const input = lines(
      'FROM golang:1.22',
      'RUN go build -o /a .',
      'FROM golang:1.22',
      'RUN go build -o /b .',
      'FROM alpine',
      'COPY --from=0 /a /a',
      'COPY --from=1 /b /b',
      '',
    );
    const out = rewrite(input).dockerfile;
    expect(out).toContain('COPY --from=1 /a /a\nCOPY --from=3 /b /b');
  });

  it('moves go mod download to the build stage only, and keeps other RUNs in both', () => {
    const out = rewrite(
      lines(
        'FROM golang:1.22',
        'WORKDIR /src',
        'RUN apt-get update && apt-get install -y git',
        'RUN go mod download',
        'RUN go build -o /app .',
        '',
      ),
    ).dockerfile;
    const [build, final] = out.split('\n\nFROM golang:1.22\n');
    expect(build).toContain('RUN go mod download');
    expect(final).not.toContain('go mod download');
    expect(build).toContain('apt-get install');
    expect(final).toContain('apt-get install');
  });

  // BuildKit sets TARGETPLATFORM to the platform being built: a stage FROM --platform=$TARGETPLATFORM is built per
  // target exactly as one without the flag (https://docs.docker.com/build/building/variables/#multi-platform-build-arguments).
  it.each([
    ['$TARGETPLATFORM', '$TARGETPLATFORM'],
    ['${TARGETPLATFORM}', '${TARGETPLATFORM}'],
    ['${TARGETPLATFORM:-linux/amd64}', '${TARGETPLATFORM:-linux/amd64}'],
  ])('moves the compile of a stage FROM --platform=%s, which is built per target', (_, flag) => {
    const input = lines(`FROM --platform=${flag} golang:1.22 AS build`, 'WORKDIR /src', 'COPY . .', 'RUN go build -o /out/app .', '');
    const result = rewrite(input);
    expect(result.skipped).toEqual([]);
    expect(result.dockerfile).toContain('FROM --platform=$BUILDPLATFORM golang:1.22 AS build-build');
    expect(result.dockerfile).toContain(`FROM --platform=${flag} golang:1.22 AS build\n`);
    expect(adviseOnEmulation(result.dockerfile, PLATFORMS).filter((a) => a.tool.startsWith('go '))).toEqual([]);
    expect(rewrite(result.dockerfile).dockerfile).toBe(result.dockerfile);
  });

  // What shares a compile's RUN without being copied back stays in the image stage, in a RUN of its own after
  // the copy-back; what came before the compile runs in both stages, as the original ran it before the compile.
  it.each([
    ['a command after the compile', 'RUN go build -o /app . && cp /app /usr/bin/app', 'RUN go build -o /app .', 'RUN cp /app /usr/bin/app'],
    [
      'mkdir before it',
      'RUN mkdir -p /var/lib/app && go build -o /app .',
      'RUN mkdir -p /var/lib/app && go build -o /app .',
      'RUN mkdir -p /var/lib/app',
    ],
    [
      'a redirect before it',
      'RUN echo hi > /etc/motd && go build -o /app .',
      'RUN echo hi > /etc/motd && go build -o /app .',
      'RUN echo hi > /etc/motd',
    ],
    [
      'a write next to a file output',
      'RUN go build -o /out/app . && uname -m > /out/machine',
      'RUN go build -o /out/app .',
      'RUN uname -m > /out/machine',
    ],
    ['a write the shell names', 'RUN go build -o /out/ . ; date > $LOG', 'RUN go build -o /out/ .', 'RUN date > $LOG'],
  ])('splits a RUN with %s', (_name, run, built, kept) => {
    const result = rewrite(lines('FROM golang:1.22', 'WORKDIR /src', run, ''));
    expect(result.skipped).toEqual([]);
    const [twin, image] = result.dockerfile.split('\n\n');
    expect(twin).toContain(built.replace('RUN ', 'RUN export GOARM="${TARGETVARIANT#v}"; '));
    expect(image).toMatch(new RegExp(`COPY --from=build \\S+ \\S+\\n${kept.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
    expect(result.rewritten[0].notes).toEqual([
      expect.stringMatching(/^the RUN is split: `.*` stays in the image stage, after the binary is copied back$/),
    ]);
  });

  describe('refuses', () => {
    it.each([
      ['CGO_ENABLED=1', lines('FROM golang:1.22', 'RUN CGO_ENABLED=1 go build -o /app .'), /CGO_ENABLED=1/],
      ['ENV CGO_ENABLED=1', lines('FROM golang:1.22', 'ENV CGO_ENABLED=1', 'RUN go build -o /app .'), /CGO_ENABLED=1/],
      ['-race', lines('FROM golang:1.22', 'RUN go build -race -o /app .'), /-race needs cgo/],
      ['external linking', lines('FROM golang:1.22', 'RUN go build -ldflags "-linkmode external" -o /app .'), /linkmode external/],
      // The targets include linux/arm/v7, where Go cannot link PIE itself.
      [
        '-buildmode=pie for arm',
        lines('FROM golang:1.22', 'RUN go build -buildmode=pie -o /app .'),
        /-buildmode=pie links with an external C linker for linux\/arm\/v7/,
      ],
      [
        'GOFLAGS=-buildmode=pie for arm',
        lines('FROM golang:1.22', 'ENV GOFLAGS=-buildmode=pie', 'RUN go build -o /app .'),
        /-buildmode=pie links/,
      ],
      ['an inline GOFLAGS', lines('FROM golang:1.22', 'RUN GOFLAGS="-trimpath -buildmode=pie" go build -o /app .'), /-buildmode=pie links/],
      ['go build without -o', lines('FROM golang:1.22', 'RUN go build ./cmd/api'), /add `-o <path>`/],
      [
        'go install of a module version with GOBIN set',
        lines('FROM golang:1.22', 'ENV GOBIN=/out', 'RUN go install example.com/tool@v1.0.0'),
        /refuses to run with GOBIN set/,
      ],
      ['go install where GOPATH is unknown', lines('FROM debian:bookworm', 'RUN apt-get update', 'RUN go install .'), /GOBIN/],
      ['a relative -o in an unknown folder', lines('FROM debian:bookworm', 'RUN go build -o app .'), /working directory is unknown/],
      ['a -o from the shell', lines('FROM golang:1.22', 'RUN go build -o $OUT .'), /depends on the shell/],
      ['go install in the exec form', lines('FROM golang:1.22', 'RUN ["go", "install", "."]'), /exec form/],
      // GOARM is exported in the compile's shell: the exec form has none.
      [
        'go build in the exec form',
        lines('FROM golang:1.22', 'WORKDIR /src', 'RUN ["go", "build", "-o", "/app", "."]'),
        /the exec form runs no shell, so GOARM cannot follow/,
      ],
      ['a redirected compile', lines('FROM golang:1.22', 'RUN go build -o /app . > /build.log'), /redirected to `\/build.log`/],
      [
        'go generate in the compile RUN',
        lines('FROM golang:1.22', 'WORKDIR /src', 'RUN go generate ./... && go build -o /app .'),
        /`go generate` before the compile would run for the build machine/,
      ],
      // A compile RUN the split (run-split.ts) cannot cut keeps the old rule: only what leaves nothing, or writes
      // inside what is copied back, shares it.
      [
        'other work in a RUN that cannot be cut',
        lines('FROM golang:1.22', 'RUN if true; then go build -o /app .; fi; cp /app /usr/bin/app'),
        /also runs `cp`/,
      ],
      // go generate and go run are not preparations: they stay, and the twin would run them for the build machine.
      [
        'go generate before the compile',
        lines('FROM golang:1.22', 'WORKDIR /src', 'RUN go generate ./...', 'RUN go build -o /app .'),
        /line 3 runs `go run`\/`go generate` before the compile/,
      ],
      // cgo from ARG as from ENV; a literal 0 anywhere else keeps the move.
      ['ARG CGO_ENABLED=1', lines('FROM golang:1.22', 'ARG CGO_ENABLED=1', 'RUN go build -o /app .'), /ARG CGO_ENABLED=1 turns cgo on/],
      [
        'ARG CGO_ENABLED from the build',
        lines('FROM golang:1.22', 'ARG CGO_ENABLED', 'RUN go build -o /app .'),
        /ARG CGO_ENABLED without a default takes its value from the build/,
      ],
      [
        'CGO_ENABLED exported in the RUN',
        lines('FROM golang:1.22', 'RUN export CGO_ENABLED=1 && go build -o /app .'),
        /sets CGO_ENABLED=1/,
      ],
      ['CGO_ENABLED from a variable', lines('FROM golang:1.22', 'RUN CGO_ENABLED=$CGO go build -o /app .'), /sets CGO_ENABLED=\$CGO/],
      // BuildKit ignores --platform on a stage reference: a chain whose stage has a --platform of its own stays.
      [
        'a stage FROM an earlier stage with a --platform',
        lines('FROM --platform=linux/amd64 golang:1.22 AS base', 'FROM base', 'RUN go build -o /app .'),
        /FROM the earlier stage 'base', whose --platform the chain cannot change/,
      ],
      // The twin sets GOOS/GOARCH from the first compile on: a RUN between compiles would run target code.
      [
        'a RUN between two compiles',
        lines('FROM golang:1.22', 'WORKDIR /src', 'RUN go build -o /bin/gen ./gen', 'RUN /bin/gen > x.go', 'RUN go build -o /app .'),
        /line 4 runs between moved compiles/,
      ],
      // The rewrite edits text: a `go install` inside quotes must not be edited with the real one.
      [
        'go install also inside quotes',
        lines('FROM golang:1.22', 'RUN echo "then go install ." && go install .'),
        /`go install` also appears in text the shell does not run/,
      ],
      ['go build -C', lines('FROM golang:1.22', 'RUN go build -C cmd -o /app'), /-C/],
    ])('%s', (_, input, reason) => {
      const result = rewrite(`${input}\n`);
      expect(result.dockerfile).toBe(`${input}\n`);
      expect(result.rewritten).toEqual([]);
      // One entry per compile the stage holds, each with the stage's reason.
      expect(result.skipped.length).toBeGreaterThan(0);
      for (const step of result.skipped) expect(step.reason).toMatch(reason);
    });

    it('a project whose Go imports "C"', () => {
      const result = rewrite(fixture('classic.Dockerfile'), 'apps/api/sqlite.go imports "C"');
      expect(result.dockerfile).toBe(fixture('classic.Dockerfile'));
      expect(result.skipped[0].reason).toMatch(/^apps\/api\/sqlite.go imports "C"/);
    });
  });

  it('keeps writes inside the copied -o folder: they reach the final stage through the COPY (the e2e ledger)', () => {
    const input = lines(
      'FROM golang:1.22',
      'WORKDIR /src',
      'RUN mkdir -p /out && cat /proc/uptime > /out/start && go build -o /out/ . && uname -m > /out/build-machine',
      'CMD ["/out/ledger"]',
      '',
    );
    expect(rewrite(input).dockerfile).toBe(
      lines(
        '# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)',
        'FROM --platform=$BUILDPLATFORM golang:1.22 AS build',
        'WORKDIR /src',
        'ARG TARGETOS TARGETARCH TARGETVARIANT',
        'ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH',
        'RUN export GOARM="${TARGETVARIANT#v}"; mkdir -p /out && cat /proc/uptime > /out/start && go build -o /out/ . && uname -m > /out/build-machine',
        '',
        'FROM golang:1.22',
        'WORKDIR /src',
        'COPY --from=build /out/ /out/',
        'CMD ["/out/ledger"]',
        '',
      ),
    );
  });

  it("exports GOARM after a heredoc script's shebang, and after flags continued on their own line", () => {
    const heredoc = rewrite(lines('FROM golang:1.22', 'RUN <<EOF', '#!/bin/bash', 'go build -o /app .', 'EOF', '')).dockerfile;
    expect(heredoc).toContain('RUN <<EOF\n#!/bin/bash\nexport GOARM="${TARGETVARIANT#v}"\ngo build -o /app .\nEOF');
    const flags = rewrite(
      lines('FROM golang:1.22', 'RUN --mount=type=cache,target=/root/.cache/go-build \\', '    go build -o /app .', ''),
    ).dockerfile;
    expect(flags).toContain(
      'RUN --mount=type=cache,target=/root/.cache/go-build \\\n    export GOARM="${TARGETVARIANT#v}"; go build -o /app .',
    );
  });

  it('moves only go mod download|verify and go vet out of the final stage; a redirected vet stays', () => {
    const out = rewrite(
      lines('FROM golang:1.22', 'WORKDIR /src', 'RUN go mod verify', 'RUN go vet ./... > /vet.txt', 'RUN go build -o /app .', ''),
    ).dockerfile;
    const [build, final] = out.split('\n\nFROM golang:1.22\n');
    expect(build).toContain('RUN go mod verify');
    expect(final).not.toContain('go mod verify');
    expect(final).toContain('RUN go vet ./... > /vet.txt');
  });

  it('lets ENV CGO_ENABLED=0 win over a later ARG, as the RUN environment does', () => {
    expect(
      rewrite(lines('FROM golang:1.22', 'ENV CGO_ENABLED=0', 'ARG CGO_ENABLED=1', 'RUN go build -o /app .', '')).rewritten,
    ).toHaveLength(1);
    expect(rewrite(lines('FROM golang:1.22', 'ARG CGO_ENABLED=0', 'RUN CGO_ENABLED=0 go build -o /app .', '')).rewritten).toHaveLength(1);
  });

  it('changes nothing in a Dockerfile that already cross-compiles', () => {
    const input = lines(
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build',
      'RUN GOARCH=$TARGETARCH go build -o /app .',
      'FROM alpine',
      'COPY --from=build /app /app',
      '',
    );
    expect(rewrite(input)).toEqual({ dockerfile: input, rewritten: [], skipped: [], kept: [] });
  });

  it('keeps a stage pinned to a platform as it is: it is built once, not per target', () => {
    const input = lines('FROM --platform=linux/amd64 golang:1.22', 'RUN go build -o /app .', '');
    const result = rewrite(input);
    expect([result.dockerfile, result.skipped]).toEqual([input, []]);
    expect(result.kept.map((k) => [k.line, k.reason])).toEqual([
      [2, 'the stage is pinned to --platform=linux/amd64: it is built once, not per target, so nothing here compiles per target'],
    ]);
  });
});
