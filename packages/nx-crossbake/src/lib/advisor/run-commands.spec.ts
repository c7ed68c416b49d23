import { parseDockerfileInstructions } from '../dockerfile/instructions';
import { parseRunCommands, unwrapEnv } from './run-commands';

const lines = (...text: string[]) => text.join('\n');

/** The commands of the first RUN in a Dockerfile, read the way the advisor reads them. */
function commandsOfFirstRun(dockerfile: string): string[][] {
  const { escape, instructions } = parseDockerfileInstructions(dockerfile);
  const run = instructions.find((i) => i.keyword === 'RUN')!;
  return parseRunCommands(run, dockerfile.split('\n'), escape);
}

describe('parseRunCommands', () => {
  it.each([
    ['the shell form', 'RUN make && make install', [['make'], ['make', 'install']]],
    ['RUN flags before the command', 'RUN --mount=type=cache,target=/c --network=none go build', [['go', 'build']]],
    ['a quoted RUN flag', 'RUN --mount="type=bind,source=a b,target=/b" make', [['make']]],
    ['only flags', 'RUN --network=none', []],
    ['continued lines', lines('RUN apt-get install -y \\', '    make \\', ' && make'), [['apt-get', 'install', '-y', 'make'], ['make']]],
    ['the exec form', 'RUN ["go", "build", "-o", "/app"]', [['go', 'build', '-o', '/app']]],
    ['the exec form of a shell script', 'RUN ["/bin/sh", "-c", "make && cc x.c"]', [['make'], ['cc', 'x.c']]],
    ['a broken exec form, as a shell line', 'RUN ["go", build', [['[go,', 'build']]],
  ])('reads %s', (_, dockerfile, expected) => {
    expect(commandsOfFirstRun(lines('FROM alpine', dockerfile))).toEqual(expected);
  });

  describe('heredocs', () => {
    it.each([
      [
        'RUN <<EOF',
        lines('RUN <<EOF', 'set -e', 'go build', 'EOF', 'RUN make'),
        [
          ['set', '-e'],
          ['go', 'build'],
        ],
      ],
      ['a quoted terminator', lines("RUN <<'END'", 'make', 'END'), [['make']]],
      ['<<- with tab-indented lines', lines('RUN <<-EOF', '\tmake', '\tEOF', 'RUN cargo build'), [['make']]],
      ['a shell fed the heredoc', lines('RUN bash -e <<EOF', 'make', 'EOF'), [['bash', '-e'], ['make']]],
      ['a shell shebang', lines('RUN <<EOF', '#!/usr/bin/env bash', 'make', 'EOF'), [['make']]],
      ['a shell shebang with options', lines('RUN <<EOF', '#!/bin/bash -ex', 'make', 'EOF'), [['make']]],
      [
        'a heredoc after continued lines',
        lines('RUN --mount=type=cache,target=/c \\', '# a comment inside', '    sh <<EOF', 'cargo build', 'EOF'),
        [['sh'], ['cargo', 'build']],
      ],
      ['a heredoc that never ends', lines('RUN <<EOF', 'make'), [['make']]],
    ])('reads the script of %s', (_, dockerfile, expected) => {
      expect(commandsOfFirstRun(lines('FROM alpine', dockerfile))).toEqual(expected);
    });

    it.each([
      ['a python script', lines('RUN python3 <<EOF', 'import os; os.system("make")', 'EOF')],
      ['a file written with cat', lines('RUN cat <<EOF > /etc/motd', 'make', 'EOF')],
      ['a python shebang', lines('RUN <<EOF', '#!/usr/bin/env python3', 'make', 'EOF')],
    ])('does not read %s as shell', (_, dockerfile) => {
      expect(commandsOfFirstRun(lines('FROM alpine', dockerfile)).flat()).not.toContain('make');
    });
  });

  it('reads continued lines under the backtick escape', () => {
    const dockerfile = lines('# escape=`', 'FROM alpine', 'RUN <<EOF `', '  && true', 'make', 'EOF');
    expect(commandsOfFirstRun(dockerfile)).toEqual([['true'], ['make']]);
  });
});

describe('unwrapEnv', () => {
  it.each([
    [
      ['env', 'CGO_ENABLED=0', 'GOOS=linux', 'go', 'build'],
      ['go', 'build'],
    ],
    [
      ['env', '-i', 'PATH=/bin', 'npm', 'ci'],
      ['npm', 'ci'],
    ],
    [
      ['go', 'build', 'X=1'],
      ['go', 'build', 'X=1'],
    ],
    [['env'], []],
  ])('%j runs %j', (words, command) => expect(unwrapEnv(words)).toEqual(command));
});
