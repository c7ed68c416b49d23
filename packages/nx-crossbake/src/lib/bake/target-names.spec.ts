import { assignTargetNames, type TaskKey } from './target-names';

const VALID = /^[a-zA-Z0-9_-]+$/;
const task = (project: string, targetName = 'docker-multiarch'): TaskKey => ({ id: `${project}:${targetName}`, project, targetName });
const namesOf = (projects: string[]) => [...assignTargetNames(projects.map((p) => task(p))).values()];

describe('assignTargetNames', () => {
  it.each([
    [
      ['api', 'web-app', 'worker_2'],
      ['api', 'web-app', 'worker_2'],
    ],
    [['@acme/api'], ['acme_api']],
    [
      ['@acme/api', '@acme/web'],
      ['acme_api', 'acme_web'],
    ],
    [['apps.api'], ['apps_api']],
    [['@/'], ['project']],
  ])('maps %j to readable bake names %j', (projects, expected) => {
    expect(namesOf(projects)).toEqual(expected);
  });

  it('keeps a valid name and suffixes the project that would collide with it', () => {
    const names = assignTargetNames([task('acme_api'), task('@acme/api')]);
    expect(names.get('acme_api:docker-multiarch')).toBe('acme_api');
    expect(names.get('@acme/api:docker-multiarch')).toMatch(/^acme_api-[0-9a-f]{8}$/);
  });

  it('gives two invalid names that sanitise alike distinct, stable names', () => {
    const first = assignTargetNames([task('@acme/api'), task('acme.api')]);
    const again = assignTargetNames([task('acme.api'), task('@acme/api')]);
    expect(first.get('@acme/api:docker-multiarch')).not.toBe(first.get('acme.api:docker-multiarch'));
    expect(first.get('@acme/api:docker-multiarch')).toBe(again.get('@acme/api:docker-multiarch'));
    for (const name of first.values()) expect(name).toMatch(VALID);
  });

  it('names every multiarch target of one project apart, keyed by task id', () => {
    const names = assignTargetNames([
      task('two'),
      task('two', 'docker-multiarch-debug'),
      task('two', 'image'),
      task('@acme/api', 'docker-multiarch-debug'),
    ]);
    expect(Object.fromEntries(names)).toEqual({
      'two:docker-multiarch': 'two',
      'two:docker-multiarch-debug': 'two_debug',
      'two:image': 'two_image',
      '@acme/api:docker-multiarch-debug': 'acme_api_debug',
    });
  });

  it('hashes a second target whose name collides with another project', () => {
    const names = assignTargetNames([task('two_debug'), task('two', 'docker-multiarch-debug')]);
    expect(names.get('two_debug:docker-multiarch')).toBe('two_debug');
    expect(names.get('two:docker-multiarch-debug')).toMatch(/^two_debug-[0-9a-f]{8}$/);
  });

  it('always yields names bake accepts, one per task', () => {
    const tasks = ['@a/b', 'a_b', 'a.b', '@scope/with space', 'x'.repeat(3), '@@@'].flatMap((p) => [
      task(p),
      task(p, 'docker-multiarch-x y'),
    ]);
    const names = assignTargetNames(tasks);
    expect(new Set(names.values()).size).toBe(tasks.length);
    for (const name of names.values()) expect(name).toMatch(VALID);
  });
});
