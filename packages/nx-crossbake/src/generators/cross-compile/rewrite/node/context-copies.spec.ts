import { parseDockerfileInstructions } from '../../../../lib/dockerfile/instructions';
import { contextSourceOf, type BuildContext, type StageCopy } from './context-copies';

const FILES = ['package.json', 'package-lock.json', 'web/package.json', 'web/package-lock.json', 'web/src/index.js'];
const context: BuildContext = {
  isFile: (path) => FILES.includes(path),
  isDirectory: (path) => path === '.' || FILES.some((f) => f.startsWith(`${path}/`)),
  read: () => undefined,
};

/** The stage's COPY/ADD instructions, each with the WORKDIR it runs in. */
function copiesOf(dockerfile: string): StageCopy[] {
  let workdir: string | undefined;
  const copies: StageCopy[] = [];
  for (const instruction of parseDockerfileInstructions(dockerfile).instructions) {
    if (instruction.keyword === 'WORKDIR') workdir = instruction.args.trim();
    if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') copies.push({ instruction, workdir });
  }
  return copies;
}

const source = (dockerfile: string, imagePath = '/app/package-lock.json') =>
  contextSourceOf(imagePath, copiesOf(dockerfile), context, '\\');

describe('contextSourceOf', () => {
  it.each([
    ['a wildcard into the WORKDIR', 'WORKDIR /app\nCOPY package*.json ./', 'package-lock.json'],
    ['a wildcard in a folder', 'WORKDIR /app\nCOPY web/package*.json ./', 'web/package-lock.json'],
    ['the context root', 'WORKDIR /app\nCOPY . .', 'package-lock.json'],
    ['a folder source copies its contents', 'COPY web /app', 'web/package-lock.json'],
    ['a file named as the destination', 'COPY web/package-lock.json /app/package-lock.json', 'web/package-lock.json'],
    ['a file into a folder destination', 'COPY package.json package-lock.json /app/', 'package-lock.json'],
    ['the JSON form, with flags', 'COPY --chown=node:node ["package-lock.json", "/app/"]', 'package-lock.json'],
    ['ADD as COPY', 'ADD package-lock.json /app/', 'package-lock.json'],
    ['the last copy wins', 'WORKDIR /app\nCOPY package*.json ./\nCOPY web/package-lock.json ./', 'web/package-lock.json'],
    // `.` is the WORKDIR, a folder: the file keeps its name there (issue #23: "no lockfile reaches /app").
    ['a file to `.`', 'WORKDIR /app\nCOPY package-lock.json .', 'package-lock.json'],
    ['a file from a folder to `.`', 'WORKDIR /app\nCOPY web/package-lock.json .', 'web/package-lock.json'],
    ['a file to the WORKDIR by its absolute path', 'WORKDIR /app\nCOPY package-lock.json /app', 'package-lock.json'],
    ['a file to `..` of a deeper WORKDIR', 'WORKDIR /app/sub\nCOPY package-lock.json ..', 'package-lock.json'],
  ])('%s', (_, dockerfile, expected) => expect(source(dockerfile)).toBe(expected));

  it.each([
    ['only package.json copied', 'WORKDIR /app\nCOPY package.json ./'],
    ['another folder', 'WORKDIR /srv\nCOPY package*.json ./'],
    ['from another stage', 'COPY --from=deps /app/package-lock.json /app/'],
    ['a relative destination in an unknown folder', 'COPY package*.json ./'],
    ['a file missing from the context', 'COPY yarn.lock /app/package-lock.json'],
    ['a destination from a variable', 'COPY package*.json $APP/'],
    ['a file renamed by a destination that is no folder', 'WORKDIR /srv\nCOPY package-lock.json /app'],
  ])('none for %s', (_, dockerfile) => expect(source(dockerfile)).toBeUndefined());
});
