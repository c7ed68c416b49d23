import { remoteAddSources } from './remote-sources';

describe('remoteAddSources', () => {
  it.each([
    ['a URL', 'FROM x\nADD https://example.com/tool.tgz /opt/\n', ['ADD https://example.com/tool.tgz (line 2)']],
    ['a git repository', 'FROM x\nADD git@github.com:acme/x.git /src\n', ['ADD git@github.com:acme/x.git (line 2)']],
    [
      'a git URL with a ref',
      'FROM x\nADD --keep-git-dir=true https://github.com/acme/x.git#v1 /src\n',
      ['ADD https://github.com/acme/x.git#v1 (line 2)'],
    ],
    ['the JSON form', 'FROM x\nADD ["http://e.com/a", "/a"]\n', ['ADD http://e.com/a (line 2)']],
    [
      'a URL pinned by --checksum',
      'FROM x\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://e.com/a /a\n',
      [],
    ],
    ['local files', 'FROM x\nADD app.tar.gz /app/\nADD --chown=1:1 a b /c/\n', []],
    ['a heredoc', 'FROM x\nADD <<EOF /a\nhttps://example.com\nEOF\n', []],
    ['a URL only in a RUN', 'FROM x\nRUN curl -o /a https://example.com/a\n', []],
  ])('finds %s', (_, dockerfile, expected) => {
    expect(remoteAddSources(dockerfile)).toEqual(expected);
  });
});
