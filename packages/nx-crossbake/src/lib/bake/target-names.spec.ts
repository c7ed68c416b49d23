import { assignTargetNames } from './target-names';

const VALID = /^[a-zA-Z0-9_-]+$/;

describe('assignTargetNames', () => {
  it.each([
    [['api', 'web-app', 'worker_2'], ['api', 'web-app', 'worker_2']],
    [['@acme/api'], ['acme_api']],
    [['@acme/api', '@acme/web'], ['acme_api', 'acme_web']],
    [['apps.api'], ['apps_api']],
    [['@/'], ['project']],
  ])('maps %j to readable bake names %j', (projects, expected) => {
    expect([...assignTargetNames(projects).values()]).toEqual(expected);
  });

  it('keeps a valid name and suffixes the project that would collide with it', () => {
    const names = assignTargetNames(['acme_api', '@acme/api']);
    expect(names.get('acme_api')).toBe('acme_api');
    expect(names.get('@acme/api')).toMatch(/^acme_api-[0-9a-f]{8}$/);
  });

  it('gives two invalid names that sanitise alike distinct, stable names', () => {
    const first = assignTargetNames(['@acme/api', 'acme.api']);
    const again = assignTargetNames(['acme.api', '@acme/api']);
    expect(first.get('@acme/api')).not.toBe(first.get('acme.api'));
    expect(first.get('@acme/api')).toBe(again.get('@acme/api'));
    for (const name of first.values()) expect(name).toMatch(VALID);
  });

  it('always yields names bake accepts, one per project', () => {
    const projects = ['@a/b', 'a_b', 'a.b', '@scope/with space', 'x'.repeat(3), '@@@'];
    const names = assignTargetNames(projects);
    expect(new Set(names.values()).size).toBe(projects.length);
    for (const name of names.values()) expect(name).toMatch(VALID);
  });
});
