/**
 * Issue 23: `nx g nx-crossbake:cross-compile` on Dockerfiles of the corpus (packages/nx-crossbake/src/generators/
 * cross-compile/__fixtures__/corpus), one per shape — make (three Makefiles: a plain target, one that exports
 * CGO_ENABLED and computes its output path, one with build tags), a stage chain, a split `go env -w && go mod
 * tidy && go build`, a front-end stage embedded in a Go binary, `FROM --platform=${TARGETPLATFORM:-…}` with a
 * numbered COPY --from, cache mounts — rewritten by the real CLI, built for linux/amd64, linux/arm64 and
 * linux/arm/v7 in one `nx run-many` on the rig, and run on each platform. (The old-Go rule, `go build -o` of a
 * file, is unit-tested: the rig's Go is 1.19.)
 *
 * Each Dockerfile is read from the corpus as its repository wrote it, with what the rig cannot run changed and
 * said: FROM images mapped to the rig's stand-ins (golang, node, busybox for alpine), and the package-manager
 * lines of alpine stages dropped (busybox has no apk), migrate's ENTRYPOINT by its path (busybox's PATH has no
 * /usr/local/bin); sniproxy's Go 1.26 GOEXPERIMENT (the stand-in is Go 1.19). Makefiles are the corpus's own; the programs are stand-ins that print what they are and the platform
 * they were built for (go.mod files Go 1.19 accepts, no module downloads), so each image must print its own
 * platform: a binary built for the wrong one would print, or fail, otherwise.
 * With CROSSBAKE_CORPUS_BEFORE=1 it also builds every original first, emulated, and each build cold (its own
 * builder pruned), and prints the times before and after: the measure for the closing note, too slow
 * for every CI run (minutes of QEMU); then the originals must print what the rewrites print.
 */
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_IMAGE, imageRef, REGISTRY, runImage, SETUP_OPTIONS, Workspace, type ServiceSpec } from './support/workspace';
import { coldNxRun } from './support/cold-build';

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const GOLANG = `${REGISTRY}/crossbake/golang:latest`;
const NODE = `${REGISTRY}/crossbake/node:latest`;
const CORPUS = join(__dirname, '../packages/nx-crossbake/src/generators/cross-compile/__fixtures__/corpus/go');
// cross-compile.e2e.ts's builder: the rig's golang image is pulled and unpacked into it once for both suites (a new
// builder pays minutes of that on two cores); both only need their own builds, which that suite prunes before.
const BUILDER = 'e2e-cross-compile';
const MEASURE = process.env.CROSSBAKE_CORPUS_BEFORE === '1';

/** A program that says what it is and which platform it was built for. */
const program = (name: string) =>
  `package main\n\nimport (\n\t"fmt"\n\t"runtime"\n)\n\nfunc main() {\n\tfmt.Println("${name}", runtime.GOOS+"/"+runtime.GOARCH)\n}\n`;
const goMod = (module: string) => `module ${module}\n\ngo 1.19\n`;
const corpusFile = (id: string, file: string) => readFileSync(join(CORPUS, id, file), 'utf8');

interface CorpusCase {
  /** The corpus case the Dockerfile comes from. */
  id: string;
  /** What the rig cannot run, changed: [pattern, replacement]. */
  edits: Array<[RegExp, string]>;
  files: Record<string, string>;
  /** What the image prints before its platform (and after it: frp's embedded page). */
  says: [string, string?];
  /** The command that prints (when the image's own ENTRYPOINT does not). */
  command?: string[];
  buildArgs?: Record<string, string>;
  /** What the rewrite must have done, as text of the rewritten Dockerfile. */
  rewritten: string[];
}

// A RUN of apk, continuation lines included.
const ALPINE_APK = /^RUN apk(?:[^\n]*\\\n)*[^\n]*\n/gm;
const CASES: Record<string, CorpusCase> = {
  whoami: {
    says: ['whoami'],
    id: 'whoami-go111-make',
    edits: [[/^FROM golang:1\.11/m, `FROM ${GOLANG}`]],
    files: {
      'main.go': program('whoami'),
      'go.mod': goMod('github.com/traefik/whoami'),
      Makefile: corpusFile('whoami-go111-make', 'Makefile'),
    },
    rewritten: ['RUN export GOARM="${TARGETVARIANT#v}"; make build', 'COPY --from=builder-build /go/whoami/whoami /go/whoami/whoami'],
  },
  lego: {
    says: ['lego'],
    id: 'lego-make-alpine',
    edits: [
      [/^FROM golang:1-alpine/m, `FROM ${GOLANG}`],
      [/^FROM alpine:3/m, `FROM ${BASE_IMAGE}`],
      [ALPINE_APK, ''],
    ],
    files: {
      'main.go': program('lego'),
      'go.mod': goMod('github.com/go-acme/lego/v4'),
      'go.sum': '',
      Makefile: corpusFile('lego-make-alpine', 'Makefile'),
    },
    rewritten: ['RUN export GOARM="${TARGETVARIANT#v}"; make build', 'COPY --from=builder-build /go/lego/dist/lego /go/lego/dist/lego'],
  },
  bbbbot: {
    says: ['balaboba-bot'],
    id: 'bbbbot-stagechain-mod-download',
    edits: [
      [/^FROM golang as/m, `FROM ${GOLANG} as`],
      [/^FROM alpine$/m, `FROM ${BASE_IMAGE}`],
    ],
    files: { 'main.go': program('balaboba-bot'), 'go.mod': goMod('balaboba-bot'), 'go.sum': '' },
    command: ['/opt/app/balaboba-bot'],
    buildArgs: { BIN: 'balaboba-bot' },
    rewritten: [`FROM --platform=$BUILDPLATFORM ${GOLANG} AS mod-download-build`, 'FROM mod-download-build AS build-build'],
  },
  gva: {
    says: ['gva'],
    id: 'gva-go-env-tidy-build',
    edits: [
      [/^FROM golang:alpine/m, `FROM ${GOLANG}`],
      [/^FROM alpine:latest/m, `FROM ${BASE_IMAGE}`],
      [ALPINE_APK, ''],
    ],
    files: {
      'main.go': program('gva'),
      'go.mod': goMod('server'),
      'resource/readme.txt': 'resources\n',
      'config.docker.yaml': 'system: {}\n',
    },
    rewritten: ['    go env && \\\n    go mod tidy\n', 'RUN export GOARM="${TARGETVARIANT#v}"; go env -w GO111MODULE=on'],
  },
  frp: {
    says: ['frps', 'dashboard'],
    id: 'frp-node-then-go',
    edits: [
      [/^FROM node:22/m, `FROM ${NODE}`],
      [/^FROM golang:1\.25/m, `FROM ${GOLANG}`],
      [/^FROM alpine:3/m, `FROM ${BASE_IMAGE}`],
      [ALPINE_APK, ''],
    ],
    files: {
      'go.mod': goMod('github.com/fatedier/frp'),
      'cmd/frps/main.go':
        'package main\n\nimport (\n\t"fmt"\n\t"runtime"\n\n\t"github.com/fatedier/frp/web/frps"\n)\n\nfunc main() {\n\tpage, _ := frps.Content.ReadFile("dist/index.html")\n\tfmt.Println("frps", runtime.GOOS+"/"+runtime.GOARCH, string(page))\n}\n',
      'web/frps/embed.go': 'package frps\n\nimport "embed"\n\n//go:embed dist\nvar Content embed.FS\n',
      'web/package.json': '{ "name": "web", "private": true }\n',
      'web/shared/README': 'shared\n',
      'web/frps/package.json': '{ "name": "frps-web", "private": true, "scripts": { "build": "node build.js" } }\n',
      'web/frps/build.js':
        "const fs = require('fs');\nfs.mkdirSync('dist', { recursive: true });\nfs.writeFileSync('dist/index.html', 'dashboard');\n",
    },
    rewritten: [
      `FROM --platform=$BUILDPLATFORM ${NODE} AS web-builder`,
      'COPY --from=building-build /building/bin/frps /building/bin/frps',
    ],
  },
  migrate: {
    says: ['migrate'],
    id: 'migrate-make-cgo-tags',
    edits: [
      [/^FROM golang:1\.25-alpine3\.21/m, `FROM ${GOLANG}`],
      [/^FROM alpine:3\.21/m, `FROM ${BASE_IMAGE}`],
      [ALPINE_APK, ''],
      // The busybox stand-in's PATH has no /usr/local/bin.
      [/^ENTRYPOINT \["migrate"\]/m, 'ENTRYPOINT ["/usr/local/bin/migrate"]'],
    ],
    files: {
      'cmd/migrate/main.go': program('migrate'),
      'go.mod': goMod('github.com/golang-migrate/migrate/v4'),
      'go.sum': '',
      Makefile: corpusFile('migrate-make-cgo-tags', 'Makefile'),
    },
    rewritten: [
      'RUN export GOARM="${TARGETVARIANT#v}"; make build-docker',
      'COPY --from=builder-build /go/src/github.com/golang-migrate/migrate/build/migrate.linux-386 /go/src/github.com/golang-migrate/migrate/build/migrate.linux-386',
    ],
  },
  sniproxy: {
    says: ['sniproxy'],
    id: 'sniproxy-targetplatform-default-go126',
    edits: [
      [/golang:1\.26-alpine/g, GOLANG],
      [ALPINE_APK, ''],
      [/^ENV GOEXPERIMENT=.*\n/m, ''],
    ],
    files: { 'cmd/sniproxy/main.go': program('sniproxy'), 'go.mod': goMod('github.com/mosajjal/sniproxy/v2') },
    rewritten: [`FROM --platform=$BUILDPLATFORM ${GOLANG} AS build`, 'COPY --from=1 /app/cmd/sniproxy/sniproxy /sniproxy'],
  },
  memos: {
    says: ['memos'],
    id: 'memos-cache-mount',
    edits: [
      [/^FROM golang:1\.25-alpine/m, `FROM ${GOLANG}`],
      [/^FROM alpine:latest/m, `FROM ${BASE_IMAGE}`],
      [ALPINE_APK, ''],
    ],
    files: {
      'cmd/memos/main.go': program('memos'),
      'go.mod': goMod('github.com/usememos/memos'),
      'go.sum': '',
      'scripts/entrypoint.sh': '#!/bin/sh\nexec "$@"\n',
    },
    rewritten: ['    export GOARM="${TARGETVARIANT#v}"; go build -ldflags="-s -w" -o memos ./cmd/memos'],
  },
};

function dockerfileOf(c: CorpusCase): string {
  let text = corpusFile(c.id, 'Dockerfile');
  for (const [pattern, replacement] of c.edits) {
    const edited = text.replace(pattern, replacement);
    if (edited === text)
      throw new Error(`${c.id}: ${pattern} changes nothing: the corpus Dockerfile is not the one this case was written for`);
    text = edited;
  }
  return text;
}

/** What a program built for `platform` prints: runtime.GOARCH has no variant. */
const expected = ([before, after]: [string, string?], platform: string) =>
  [before, platform.replace('/v7', ''), after].filter(Boolean).join(' ');

describe('nx g nx-crossbake:cross-compile on corpus Dockerfiles, built and run on the rig', () => {
  let ws: Workspace;
  const generated: Record<string, ReturnType<Workspace['nx']>> = {};
  const rewritten: Record<string, string> = {};
  let build: ReturnType<Workspace['nx']>;
  let seconds = 0;
  const before: Record<string, { seconds: number; prints: Record<string, string> }> = {};
  const prints = (name: string) => Object.fromEntries(PLATFORMS.map((p) => [p, runImage(imageRef(name), p, CASES[name].command ?? [])]));

  beforeAll(() => {
    const services: ServiceSpec[] = Object.entries(CASES).map(([name, c]) => ({
      name,
      root: `apps/${name}`,
      dockerfile: dockerfileOf(c),
      files: c.files,
      options: {
        platforms: PLATFORMS,
        tags: [imageRef(name)],
        push: true,
        builder: BUILDER,
        ...(c.buildArgs ? { 'build-args': c.buildArgs } : {}),
      },
    }));
    ws = new Workspace('cross-compile-corpus', services, {}, { ...SETUP_OPTIONS, builder: BUILDER });
    chmodSync(join(ws.dir, 'apps/memos/scripts/entrypoint.sh'), 0o755);
    if (MEASURE)
      for (const name of Object.keys(CASES)) before[name] = { seconds: coldNxRun(ws, BUILDER, name).seconds, prints: prints(name) };
    for (const name of Object.keys(CASES)) {
      generated[name] = ws.nx(['g', 'nx-crossbake:cross-compile', `--project=${name}`]);
      rewritten[name] = ws.read(`apps/${name}/Dockerfile`);
    }
    const start = Date.now();
    build = ws.nx(['run-many', '-t', 'docker-multiarch', `--projects=${Object.keys(CASES).join(',')}`]);
    seconds = (Date.now() - start) / 1000;
    process.stderr.write(
      `[e2e] cross-compile corpus: ${Object.keys(CASES).length} rewritten services, 3 platforms, one run-many: ${seconds.toFixed(1)}s\n`,
    );
    // Each rewrite cold on its own as well, to set beside its original's cold build.
    if (MEASURE)
      for (const name of Object.keys(CASES)) {
        const after = coldNxRun(ws, BUILDER, name).seconds;
        const was = before[name].seconds;
        process.stderr.write(
          `[e2e] cross-compile corpus ${name}: cold build before ${was.toFixed(1)}s (emulated), after ${after.toFixed(1)}s (cross-compiled), ${(was / after).toFixed(1)}x\n`,
        );
      }
  });

  it.each(Object.keys(CASES))('%s: the generator rewrote it', (name) => {
    expect([name, generated[name].code]).toEqual([name, 0]);
    expect(generated[name].output).toMatch(/now runs in stage '[\w-]+' on the build platform/);
    for (const text of CASES[name].rewritten) expect(rewritten[name]).toContain(text);
  });

  it('builds every rewritten Dockerfile for the three platforms in one run', () => {
    expect(build.code).toBe(0);
  });

  it.each(Object.keys(CASES))('%s: every platform runs its own binary', (name) => {
    expect(prints(name)).toEqual(Object.fromEntries(PLATFORMS.map((p) => [p, expected(CASES[name].says, p)])));
  });

  (MEASURE ? it : it.skip).each(Object.keys(CASES))('%s: the original, built emulated, printed the same on every platform', (name) => {
    expect(before[name].prints).toEqual(prints(name));
  });
});
