/**
 * One RUN that compiles Go, judged for the move to a build-platform stage: the binaries it leaves (the
 * artifacts the final stage copies back), the text that turns `go install` into `go build -o`, or the
 * reason it must stay where it is. Cross-compiled, `go install` would write to `$GOPATH/bin/$GOOS_$GOARCH/`,
 * which no COPY written now could name, so it becomes a `go build -o <bin dir>/` that writes where
 * `go install` writes natively.
 */
import { posix } from 'node:path';
import type { DockerfileInstruction } from '../graph/dockerfile-instructions';
import { parseRunCommands, unwrapEnv } from '../advisor/run-commands';
import { parseGoCommand } from './go-command';
import { literal, resolvePath } from './image-paths';

export interface StageFacts {
  /** Absolute working directory before this step; undefined when neither the Dockerfile nor the image says. */
  workdir: string | undefined;
  /** Where `go install` writes: GOBIN, else the first GOPATH entry's bin; undefined when unknown. */
  installDir: string | undefined;
  /** The stage's ENV turns cgo on. */
  cgoEnv: boolean;
}

export type GoStepVerdict =
  | { ok: true; artifacts: string[]; rewrite: (lines: readonly string[]) => string[] }
  | { ok: false; reason: string };

// Commands that may share a RUN with the compile: they only steer it or report; their other effects would
// not reach the final stage, which receives nothing but the artifacts.
const HARMLESS = new Set(['go', 'cd', 'set', 'mkdir', 'echo', 'printf', 'cat', 'date', 'uname', 'test', '[', 'true', ':', 'ls', 'export', 'chmod', 'env']);
const EXEC_FORM = /^(--\S+\s+)*\[/;

const refuse = (reason: string): GoStepVerdict => ({ ok: false, reason });

export function judgeGoStep(run: DockerfileInstruction, lines: readonly string[], escape: string, facts: StageFacts): GoStepVerdict {
  if (/\bCGO_ENABLED=["']?1\b/.test(run.args) || facts.cgoEnv) {
    return refuse('the step builds with CGO_ENABLED=1: cgo needs a C cross-compiler per target (xx-go from tonistiigi/xx), which this rewrite does not add');
  }
  const commands = parseRunCommands(run, lines, escape).map(unwrapEnv);
  const artifacts: string[] = [];
  let installs = false;
  let cwd = facts.workdir;
  for (const words of commands) {
    const name = words[0] ?? '';
    if (!HARMLESS.has(name.slice(name.lastIndexOf('/') + 1))) {
      return refuse(`the RUN also runs \`${name}\`, whose effects would not reach the final stage: give the compile a RUN of its own`);
    }
    if (name === 'cd') {
      cwd = words[1] !== undefined && literal(words[1]) ? resolvePath(cwd, words[1]) : undefined;
      continue;
    }
    const go = parseGoCommand(words);
    if (go === undefined) continue;
    if (go.cgo) return refuse(`${go.cgo}: cgo needs a C cross-compiler per target (xx-go from tonistiigi/xx)`);
    if (go.chdir !== undefined) return refuse('`go build -C` is not rewritten: build from the folder with WORKDIR or cd instead');
    const artifact = artifactOf(go.subcommand, go.output, go.packages, cwd, facts);
    if (typeof artifact !== 'string') return refuse(artifact.reason);
    if (go.subcommand === 'install') installs = true;
    artifacts.push(artifact);
  }
  if (installs && EXEC_FORM.test(run.args)) return refuse('`go install` in the exec form: write it as a shell command to have it rewritten');
  const installDir = facts.installDir;
  return {
    ok: true,
    artifacts,
    rewrite: (text) => (installs ? text.map((line) => line.replace(/(^|[\s;&|(])((?:\S*\/)?go)(\s+)install(?=\s|$)/g, `$1$2$3build -o ${installDir}/`)) : [...text]),
  };
}

function artifactOf(subcommand: 'build' | 'install', output: string | undefined, packages: readonly string[], cwd: string | undefined, facts: StageFacts): string | { reason: string } {
  if (subcommand === 'install') {
    if (packages.some((p) => p.includes('@'))) return { reason: '`go install <module>@<version>` has no `go build` equivalent: install the tool in a stage of its own' };
    if (facts.installDir === undefined) return { reason: '`go install` writes to $GOBIN or $GOPATH/bin, and neither this Dockerfile nor the image (not a golang image) says where that is: set ENV GOBIN, or use go build -o' };
    return `${facts.installDir}/`;
  }
  if (output === undefined) {
    const file = packages.length > 0 && packages.every((p) => p.endsWith('.go')) ? posix.basename(packages[0], '.go') : undefined;
    if (file === undefined) return { reason: '`go build` without -o names the binary after the module path: add `-o <path>` so the final stage can copy it' };
    output = file;
  }
  if (!literal(output)) return { reason: `the output path \`${output}\` depends on the shell: write it literally` };
  const resolved = resolvePath(cwd, output);
  return resolved ?? { reason: `the output path \`${output}\` is relative and the working directory is unknown: set WORKDIR in the stage, or use an absolute -o` };
}
