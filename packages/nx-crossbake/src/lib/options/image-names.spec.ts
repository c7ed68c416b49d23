import { checkImageTag } from '../../lib/options/validators';
import { assertImageTag, defaultImageTag, repositoryNameOf } from './image-names';

describe('repositoryNameOf', () => {
  it.each([
    ['api', 'api'],
    ['@acme/api', 'acme-api'],
    ['Web App', 'web-app'],
    ['my_service', 'my_service'],
    ['my__service', 'my__service'],
    ['my.service', 'my.service'],
    ['a--b', 'a--b'],
    ['a..b', 'a-b'],
    ['a._b', 'a-b'],
    ['a___b', 'a-b'],
    ['-api-', 'api'],
    ['.api', 'api'],
    ['api:v2', 'api-v2'],
  ])('%s → %s', (project, name) => expect(repositoryNameOf(project)).toBe(name));

  it.each(['@acme/api', 'Web App', 'a._b', 'x!!y', 'ÜberApp', '__init__'])('always gives a name docker accepts: %s', (project) => {
    expect(checkImageTag(repositoryNameOf(project))).toBeUndefined();
  });

  it('asks for an explicit image when nothing is left', () => {
    expect(() => repositoryNameOf('@@@')).toThrow(/--image/);
  });
});

describe('defaultImageTag', () => {
  it.each([
    ['@acme/api', undefined, 'acme-api:latest'],
    ['api', 'registry.example.com/acme', 'registry.example.com/acme/api:latest'],
    ['api', 'registry.example.com:5000/acme/', 'registry.example.com:5000/acme/api:latest'],
    ['api', '  ', 'api:latest'],
  ])('%s with registry %s → %s', (project, registry, tag) => expect(defaultImageTag(project, registry)).toBe(tag));
});

describe('assertImageTag', () => {
  it('passes a valid reference', () => expect(() => assertImageTag('ghcr.io/acme/api:1.0', 'hint')).not.toThrow());
  it('explains an invalid one and adds the hint', () => {
    expect(() => assertImageTag('Acme/API', 'check --image')).toThrow(/lowercase.*check --image/);
  });
});
