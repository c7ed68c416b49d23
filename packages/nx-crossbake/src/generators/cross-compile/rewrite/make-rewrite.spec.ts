import { contextOf } from '../../../../test-support/build-context';
import { crossCompileDockerfile } from './cross-compile';

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const lines = (...text: string[]) => `${text.join('\n')}\n`;
const GO_MOD = 'module example.com/tool\n\ngo 1.22\n';
const DOCKERFILE = lines(
  'FROM golang:1.22 AS build',
  'WORKDIR /src',
  'COPY . .',
  'RUN make build',
  'FROM alpine',
  'COPY --from=build /src/bin/tool /usr/local/bin/tool',
);
const rewrite = (makefile: string, dockerfile = DOCKERFILE, files: Record<string, string> = {}) =>
  crossCompileDockerfile(dockerfile, { platforms: PLATFORMS, context: contextOf({ 'go.mod': GO_MOD, Makefile: makefile, ...files }) });
const reason = (result: ReturnType<typeof rewrite>) => result.skipped.map((s) => `${s.line} ${s.tool}: ${s.reason}`).join('\n');

describe('crossCompileDockerfile: RUN make', () => {
  it('moves a make whose goals come down to go build, and copies back what it writes', () => {
    const result = rewrite(
      lines('OUT = bin', 'build: clean', '\tmkdir -p $(OUT)', '\tCGO_ENABLED=0 go build -o $(OUT)/tool .', 'clean:', '\trm -rf $(OUT)'),
    );
    expect(reason(result)).toBe('');
    expect(result.dockerfile).toBe(
      lines(
        '# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)',
        'FROM --platform=$BUILDPLATFORM golang:1.22 AS build-build',
        'WORKDIR /src',
        'COPY . .',
        'ARG TARGETOS TARGETARCH TARGETVARIANT',
        'ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH',
        'RUN export GOARM="${TARGETVARIANT#v}"; make build',
        '',
        'FROM golang:1.22 AS build',
        'WORKDIR /src',
        'COPY . .',
        'COPY --from=build-build /src/bin/tool /src/bin/tool',
        'FROM alpine',
        'COPY --from=build /src/bin/tool /usr/local/bin/tool',
      ),
    );
  });

  it('moves a make whose conditional on what only the running make knows changes only a version string', () => {
    const makefile = lines(
      'TAG := $(shell git describe --tags)',
      'VERSION := dev',
      'ifdef TAG',
      '\tVERSION := $(TAG)',
      'endif',
      'build:',
      '\tCGO_ENABLED=0 go build -ldflags "-X main.version=$(VERSION)" -o bin/tool .',
    );
    expect(reason(rewrite(makefile))).toBe('');
    // The other way turns cgo on: then the conditional decides, and is the reason.
    const cgo = makefile
      .replace('\tVERSION := $(TAG)', '\tVERSION := $(TAG)\n\tCGO := 1')
      .replace('CGO_ENABLED=0', 'CGO_ENABLED=$(or $(CGO),0)');
    expect(reason(rewrite(cgo))).toMatch(/Makefile:3: `ifdef TAG` compares TAG, known only when make runs in the image/);
  });

  it("names every recipe's problem: a prerequisite's touch does not hide the goal's cgo", () => {
    const result = rewrite(lines('build: assets', '\tCGO_ENABLED=1 go build -o bin/tool .', 'assets:', '\ttouch web/index.html'));
    expect(result.skipped.map((s) => s.reason)).toEqual([
      '`make build` runs `touch web/index.html` (Makefile:4): it runs `touch`, whose effects would not reach the final stage; and `make build` runs `CGO_ENABLED=1 go build -o bin/tool .` (Makefile:2): the build has CGO_ENABLED=1: cgo needs a C cross-compiler per target (xx-go from tonistiigi/xx), which this rewrite does not add',
    ]);
  });

  it('follows make -C, command-line variables and install into a prefix', () => {
    const makefile = lines(
      'PREFIX ?= /usr/local',
      'install: build',
      '\tinstall -D -m 0755 build/tool $(DESTDIR)$(PREFIX)/bin/tool',
      'build:',
      '\tgo build -o build/tool .',
    );
    const dockerfile = lines(
      'FROM golang:1.22',
      'COPY . /src',
      'RUN make -C /src install PREFIX=/pkg',
      'FROM alpine',
      'COPY --from=0 /pkg/ /usr/',
    );
    const result = rewrite(makefile, dockerfile);
    expect(reason(result)).toBe('');
    expect(result.dockerfile).toContain(
      'COPY --from=build /src/build/tool /src/build/tool\nCOPY --from=build /pkg/bin/tool /pkg/bin/tool\n',
    );
    expect(result.dockerfile).toContain('COPY --from=1 /pkg/ /usr/');
  });

  it.each([
    [
      'the Makefile sets GOARCH',
      lines('GOARCH := amd64', 'build:', '\tgo build -o bin/tool .'),
      /Makefile sets GOARCH=amd64 for its recipes/,
    ],
    [
      'a recipe hard-codes GOARCH',
      lines('build:', '\tGOOS=linux GOARCH=amd64 go build -o bin/tool .'),
      /the recipe sets GOARCH=amd64 for `go build`/,
    ],
    [
      'go test',
      lines('build: test', '\tgo build -o bin/tool .', 'test:', '\tgo test ./...'),
      /runs `go test \.\/\.\.\.` \(Makefile:4\): `go test`: its test binaries would be built for the target/,
    ],
    ['cgo', lines('build:', '\tCGO_ENABLED=1 go build -o bin/tool .'), /CGO_ENABLED=1: cgo needs a C cross-compiler/],
    [
      'a command whose effects are not known',
      lines('build:', '\tgo build -o bin/tool .', '\tupx bin/tool'),
      /runs `upx bin\/tool` \(Makefile:3\): it runs `upx`/,
    ],
    [
      'an unknown conditional',
      lines('ifeq ($(shell uname -m),x86_64)', 'SUFFIX = -amd64', 'endif', 'build:', '\tgo build -o bin/tool$(SUFFIX) .'),
      /Makefile:1: `ifeq \(\$\(shell uname -m\),x86_64\)` compares \(<unknown>,x86_64\)/,
    ],
    ['no rule', lines('all:', '\tgo build -o bin/tool .'), /no rule makes `build`/],
  ])('refuses %s, naming the Makefile line', (_name, makefile, why) => {
    const result = rewrite(makefile);
    expect(result.dockerfile).toBe(DOCKERFILE);
    expect(reason(result)).toMatch(why);
  });

  it('refuses GOARCH set for make by the RUN or the stage', () => {
    expect(reason(rewrite('build:\n\tgo build -o bin/tool .\n', DOCKERFILE.replace('RUN make', 'RUN GOARCH=amd64 make')))).toMatch(
      /the RUN sets GOARCH=amd64 for make: every image would get a amd64 binary/,
    );
    expect(reason(rewrite('build:\n\tgo build -o bin/tool .\n', DOCKERFILE.replace('WORKDIR', 'ARG GOARCH\nWORKDIR')))).toMatch(
      /the stage sets GOARCH itself \(ENV or ARG\) before make/,
    );
  });

  it('keeps a conditional known only when make runs when the goals run the same either way', () => {
    const makefile = lines('ifneq (,$(wildcard /etc/os-release))', 'SHELL := /bin/bash', 'endif', 'build:', '\tgo build -o bin/tool .');
    expect(reason(rewrite(makefile))).toBe('');
  });

  it('decides a conditional whose other branch only stops make', () => {
    const makefile = lines('ifeq ($(MAKE_VERSION),3.81)', '$(error too old)', 'endif', 'build:', '\tgo build -o bin/tool .');
    expect(reason(rewrite(makefile))).toBe('');
  });

  it("leaves a make that compiles no Go as advice, and still moves the stage's go build", () => {
    const dockerfile = lines(
      'FROM golang:1.22',
      'WORKDIR /src',
      'COPY . .',
      'RUN make -C native',
      'RUN go build -o /out/app .',
      'FROM alpine',
      'COPY --from=0 /out/app /app',
    );
    const result = rewrite('', dockerfile, { 'native/Makefile': 'all:\n\tgcc -o lib.so lib.c\n' });
    expect(result.skipped.map((s) => [s.line, s.reason.split(':')[0]])).toEqual([[4, 'left as advice']]);
    expect(result.rewritten.map((r) => r.line)).toEqual([5]);
  });

  it('leaves make as advice when no Makefile comes from the build context', () => {
    const result = crossCompileDockerfile(DOCKERFILE, { platforms: PLATFORMS, context: contextOf({ 'go.mod': GO_MOD }) });
    expect(result.skipped[0].reason).toMatch(/^left as advice: no Makefile for `make build` comes from the build context/);
  });
});
