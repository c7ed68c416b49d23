import { frontendImage, parseDockerfileInstructions } from './instructions';

const lines = (...text: string[]) => text.join('\n');
const summary = (text: string) => parseDockerfileInstructions(text).instructions.map((i) => `${i.line} ${i.keyword} ${i.args}`);

describe('parseDockerfileInstructions', () => {
  it.each([
    [
      'upper-cases keywords and keeps args as written',
      lines('from alpine:3 as Base', 'Run echo "$X"'),
      ['1 FROM alpine:3 as Base', '2 RUN echo "$X"'],
    ],
    ['skips comments and blank lines', lines('# a comment', '', '   # indented comment', 'FROM alpine'), ['4 FROM alpine']],
    ['joins continued lines', lines('FROM \\', '  alpine:3 \\', '  AS base'), ['1 FROM alpine:3   AS base']],
    ['allows white space after the continuation', lines('FROM \\  \t', 'alpine'), ['1 FROM alpine']],
    [
      'drops comments and blank lines inside a continuation without ending it',
      lines('RUN a \\', '# between', '', '  b', 'FROM c'),
      ['1 RUN a   b', '5 FROM c'],
    ],
    ['ends at the end of the file mid-continuation', lines('FROM alpine \\'), ['1 FROM alpine']],
    ['takes an instruction without arguments', 'HEALTHCHECK', ['1 HEALTHCHECK ']],
    ['handles CRLF and a byte-order mark', '\uFEFFFROM a\r\nFROM b\r\n', ['1 FROM a', '2 FROM b']],
    ['does not take # after an instruction as a comment', 'RUN echo a # b', ['1 RUN echo a # b']],
  ])('%s', (_, text, expected) => {
    expect(summary(text)).toEqual(expected);
  });

  it.each([
    ['a heredoc body', lines('RUN <<EOF', 'FROM not-an-instruction', 'EOF', 'FROM real'), ['1 RUN <<EOF', '4 FROM real']],
    ['a quoted terminator', lines("RUN <<'END' sh", 'FROM x', 'END', 'FROM y'), ["1 RUN <<'END' sh", '4 FROM y']],
    ['a tab-indented terminator after <<-', lines('RUN <<-EOF', '\tFROM x', '\tEOF', 'FROM y'), ['1 RUN <<-EOF', '4 FROM y']],
    [
      'several heredocs in one instruction, in turn',
      lines('COPY <<A <<B /dst/', 'FROM x', 'A', 'FROM y', 'B', 'FROM z'),
      ['1 COPY <<A <<B /dst/', '6 FROM z'],
    ],
    ['a heredoc that never ends', lines('RUN <<EOF', 'FROM x'), ['1 RUN <<EOF']],
  ])('skips %s', (_, text, expected) => {
    expect(summary(text)).toEqual(expected);
  });

  it.each([
    ['RUN cat <<< "FROM x"', lines('RUN cat <<< "FROM x"', 'FROM y'), ['1 RUN cat <<< "FROM x"', '2 FROM y']],
    ['<< outside RUN, COPY and ADD', lines('LABEL x=<<EOF', 'FROM y'), ['1 LABEL x=<<EOF', '2 FROM y']],
  ])('reads the next line after %s', (_, text, expected) => {
    expect(summary(text)).toEqual(expected);
  });

  describe('escape directive', () => {
    it('defaults to backslash', () => {
      expect(parseDockerfileInstructions('FROM a').escape).toBe('\\');
    });

    it('switches continuations to the backtick', () => {
      const parsed = parseDockerfileInstructions(
        lines('# escape=`', 'FROM mcr.microsoft.com/windows `', '  AS base', 'COPY c:\\app\\ c:\\'),
      );
      expect(parsed.escape).toBe('`');
      expect(parsed.instructions.map((i) => i.args)).toEqual(['mcr.microsoft.com/windows   AS base', 'c:\\app\\ c:\\']);
    });

    it('counts among other directives at the top', () => {
      expect(parseDockerfileInstructions(lines('# syntax=docker/dockerfile:1', '#Escape = `', 'FROM a')).escape).toBe('`');
    });

    it.each([
      ['after a blank line', lines('', '# escape=`', 'FROM a')],
      ['after an instruction', lines('FROM a', '# escape=`')],
      ['after a plain comment', lines('# hello', '# escape=`', 'FROM a')],
      ['after an unknown directive', lines('# unknown=1', '# escape=`', 'FROM a')],
      ['with an unsupported value', lines('# escape=x', 'FROM a')],
    ])('is ignored %s', (_, text) => {
      expect(parseDockerfileInstructions(text).escape).toBe('\\');
    });
  });

  it('never throws on odd input', () => {
    for (const text of ['', '\\', '\n\n\\\n', 'RUN <<', '<<EOF', '# escape=`\n`', 'FROM', '\t']) {
      expect(() => parseDockerfileInstructions(text)).not.toThrow();
    }
  });
});

describe('frontendImage', () => {
  it.each([
    ['# syntax=docker/dockerfile:1.7\nFROM x\n', 'docker/dockerfile:1.7'],
    ['# escape=`\n#syntax = docker/dockerfile:1\nFROM x\n', 'docker/dockerfile:1'],
    ['FROM x\n# syntax=docker/dockerfile:1\n', undefined],
    ['# a comment\n# syntax=docker/dockerfile:1\nFROM x\n', undefined],
  ])('%j names %s', (text, expected) => {
    expect(frontendImage(text)).toBe(expected);
  });
});
