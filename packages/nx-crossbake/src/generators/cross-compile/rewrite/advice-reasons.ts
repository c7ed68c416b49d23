/**
 * Why a step the advisor flags is left for the user: the rewrite moves a step only when it can prove the
 * result the same, and for these tools nothing in a Dockerfile proves it. (Go compiles and Node installs are
 * judged step by step instead: go-step.ts, node/node-step.ts.)
 */
import { docLink } from '../../../lib/core/docs';

const REASONS: Array<[RegExp, string]> = [
  [
    /^go run$/,
    "left as advice: `go run` builds its program and runs it where the stage runs; cross-compiled it could not run on the build machine, and what it produces for each target is the program's own business: give the program the target with its own flags, in a stage FROM --platform=$BUILDPLATFORM",
  ],
  [
    /^cargo /,
    'left as advice: cargo build --target needs a linker for each target, and nothing in the Dockerfile proves the image has one',
  ],
  [/^nx /, `left as advice: the nx build moves with a split of its stage: see ${docLink('cross-compile.md', 'nx-builds-the-split')}`],
  [/^pip /, 'left as advice: which wheels exist for each target is known only to the package index, not to the Dockerfile'],
  [
    /^(mvn|gradle)$/,
    'left as advice: the build is platform-independent, but its output paths depend on the build file; move it to a stage FROM --platform=$BUILDPLATFORM by hand',
  ],
  [
    /^dotnet /,
    'left as advice: dotnet publish -a $TARGETARCH is safe only for projects without native dependencies, which the Dockerfile does not show',
  ],
];

export function adviceReason(tool: string): string {
  return (
    REASONS.find(([pattern]) => pattern.test(tool))?.[1] ??
    `left as advice: ${tool} needs a C cross toolchain for each target, which the image is not known to provide`
  );
}
