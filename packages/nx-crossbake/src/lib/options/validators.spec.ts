import { checkImageTag, imageReferenceProblem, parseKeyValues } from './validators';

describe('checkImageTag', () => {
  it.each([
    'api',
    'acme/api:latest',
    'registry.example.com/acme/api:1.2.3',
    '127.0.0.1:5000/acme/api:latest',
    'localhost/acme/api',
    'localhost:5000/a__b/c-d/e.f:v1_2-3',
    '[::1]:5000/acme/api:dev',
    'my-registry.local:443/team/service-name:sha-abc123',
  ])('accepts %s', (tag) => expect(checkImageTag(tag)).toBeUndefined());

  it.each([
    ['', 'it is empty'],
    ['acme/api latest', 'white space'],
    ['Acme/api:latest', "repository names must be lowercase ('Acme')"],
    ['registry.example.com/Acme/API:latest', "repository names must be lowercase ('Acme')"],
    ['acme/api:-bad', "the tag part '-bad'"],
    ['acme/api:' + 'x'.repeat(129), 'must be 1-128'],
    ['acme/api:', "the tag part ''"],
    ['acme//api', 'empty path component'],
    ['acme/api/', 'empty path component'],
    ['acme/a$pi', "'a$pi' may only hold [a-z0-9]"],
    ['acme/api@sha256:abc', 'digest'],
    ['regi_stry.example.com/api', "'regi_stry.example.com' is not a valid registry"],
    ['registry.example.com:50x0/api', 'is not a valid registry'],
    ['acme/.api', "'.api' may only hold"],
  ])('rejects %j', (tag, message) => {
    expect(checkImageTag(tag)).toContain(message);
  });
});

describe('imageReferenceProblem', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  it.each(['alpine', 'acme/base:1', `alpine@${digest}`, `127.0.0.1:5000/acme/base:1@${digest}`])(
    'reads %s where a digest is allowed',
    (ref) => {
      expect(imageReferenceProblem(ref, { digest: true })).toBeUndefined();
    },
  );

  it.each([
    [`alpine@${digest}`, {}, 'cannot be used as a tag'],
    ['alpine@sha256:abc', { digest: true }, "'sha256:abc' is not a digest"],
    ['Alpine', { digest: true }, "repository names must be lowercase ('Alpine')"],
  ])('refuses %s (%j)', (ref, options, message) => {
    expect(imageReferenceProblem(ref, options)).toContain(message);
  });
});

describe('parseKeyValues', () => {
  it('splits on the first = and keeps the rest of the value whole', () => {
    const problems: string[] = [];
    expect(parseKeyValues('build-args', ['A=1', 'B=x=y', 'C=', 'org.opencontainers.image.title=api'], problems)).toEqual({
      A: '1',
      B: 'x=y',
      C: '',
      'org.opencontainers.image.title': 'api',
    });
    expect(problems).toEqual([]);
  });

  it.each(['NOVALUE', '=value', ' A=1', 'A B=1'])('reports %j as not KEY=VALUE', (entry) => {
    const problems: string[] = [];
    parseKeyValues('labels', [entry], problems);
    expect(problems).toEqual([`labels entry '${entry}' is not of the form KEY=VALUE`]);
  });
});
