/**
 * What a stage's instructions tell about the environment of a later step: its working directory, where
 * `go install` writes, whether ENV or ARG turns cgo on (or leaves it to the build), and the USER that would
 * own what a RUN writes. Values the
 * Dockerfile cannot know (an ARG passed from outside, an ENV of an unknown image) stay unknown rather than
 * guessed. For golang images the official image's layout is known: GOPATH=/go, WORKDIR /go.
 */
import { posix } from 'node:path';
import type { DockerfileInstruction } from '../../../lib/dockerfile/instructions';
import { expandWord, splitWords, UNKNOWN, unquoteWord, type VariableValue } from '../../../lib/dockerfile/words';
import type { StageFacts } from './go-step';

export interface StageState extends Omit<StageFacts, 'goModAt'> {
  variables: Map<string, VariableValue>;
  /** `USER` as written, so COPY can give the artifact the owner the RUN would have given it. */
  user?: string;
  /** ENV set CGO_ENABLED: an ARG of the same name no longer changes it, as in a RUN's environment. */
  cgoByEnv?: boolean;
  /** The image is Node 14 or older (`node:14-alpine`): its npm 6 ignores `--omit=dev`. */
  npm6?: boolean;
}

const GOLANG_IMAGE = /(^|\/)golang(:|@|$)/;

function isGolangImage(image: string): boolean {
  return GOLANG_IMAGE.test(image.toLowerCase());
}

// golang:1.8.3-alpine3.6 → 8; golang:latest, golang:alpine or a templated tag name no version.
const GO_MINOR = /(^|\/)golang:1\.(\d+)(?![\d$])/;

export function initialState(image: string): StageState {
  const golang = isGolangImage(image);
  const variables = new Map<string, VariableValue>(golang ? [['GOPATH', '/go']] : []);
  const minor = image.toLowerCase().match(GO_MINOR)?.[2];
  return {
    variables,
    workdir: golang ? '/go' : undefined,
    installDir: golang ? '/go/bin' : undefined,
    gopath: golang ? '/go' : undefined,
    goMinor: minor === undefined ? undefined : Number(minor),
    npm6: Number(image.toLowerCase().match(/(^|\/)node:(\d+)/)?.[2] ?? Infinity) <= 14,
  };
}

/** Expands a word when every variable it names is known here; an image's own ENV is not. */
function expandKnown(word: string, variables: ReadonlyMap<string, VariableValue>, escape: string): string | undefined {
  for (const [, name] of word.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) if (!variables.has(name)) return undefined;
  return expandWord(word, variables, escape);
}

function known(variables: ReadonlyMap<string, VariableValue>, name: string): string | undefined {
  const value = variables.get(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const gopathOf = (variables: ReadonlyMap<string, VariableValue>) => known(variables, 'GOPATH')?.split(':')[0];

function installDirOf(variables: ReadonlyMap<string, VariableValue>): string | undefined {
  if (variables.has('GOBIN')) return known(variables, 'GOBIN');
  const gopath = gopathOf(variables);
  return gopath === undefined ? undefined : posix.join(gopath, 'bin');
}

function assignments(args: string, escape: string): Array<[string, string]> {
  const words = splitWords(args, escape);
  if (words.length > 0 && !words[0].includes('=')) return [[words[0], words.slice(1).join(' ')]];
  return words.map((word) => word.split(/=(.*)/s) as [string, string]);
}

/** Why CGO_ENABLED as set by ENV or ARG keeps cgo on, or undefined when it is a literal 0. */
function cgoReason(keyword: string, raw: string, value: string | undefined): string | undefined {
  if (value === '0') return undefined;
  return value === undefined ? `${keyword} CGO_ENABLED=${raw} has a value unknown here` : `${keyword} CGO_ENABLED=${value} turns cgo on`;
}

/** The state after one instruction of the stage. */
export function advanceState(state: StageState, instruction: DockerfileInstruction, escape: string): StageState {
  const next: StageState = { ...state, variables: new Map(state.variables) };
  switch (instruction.keyword) {
    case 'ENV':
      for (const [name, raw] of assignments(instruction.args, escape)) {
        const value = expandKnown(raw ?? '', next.variables, escape);
        next.variables.set(name, value ?? UNKNOWN);
        if (name === 'CGO_ENABLED') {
          next.cgo = cgoReason('ENV', raw ?? '', value);
          next.cgoByEnv = true;
        }
      }
      break;
    case 'ARG':
      for (const word of splitWords(instruction.args, escape)) {
        const [name, raw] = word.split(/=(.*)/s);
        if (name === 'CGO_ENABLED' && !next.cgoByEnv) {
          // Without a default the value comes from --build-arg (or a global ARG), which the Dockerfile does not show.
          next.cgo =
            raw === undefined
              ? 'ARG CGO_ENABLED without a default takes its value from the build (--build-arg), unknown here'
              : cgoReason('ARG', raw, expandKnown(raw, next.variables, escape));
        }
        if (next.variables.has(name) && raw === undefined) continue;
        next.variables.set(name, raw === undefined ? UNKNOWN : (expandKnown(raw, next.variables, escape) ?? UNKNOWN));
      }
      break;
    case 'WORKDIR': {
      const dir = expandKnown(instruction.args.trim(), next.variables, escape);
      next.workdir =
        dir === undefined ? undefined : dir.startsWith('/') ? posix.normalize(dir) : next.workdir && posix.join(next.workdir, dir);
      break;
    }
    case 'USER':
      next.user = unquoteWord(instruction.args.trim(), escape);
      break;
  }
  next.installDir = installDirOf(next.variables);
  next.gopath = gopathOf(next.variables);
  next.gobin = next.variables.has('GOBIN');
  return next;
}
