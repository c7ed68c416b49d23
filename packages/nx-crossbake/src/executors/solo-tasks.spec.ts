import { soloTasksNotice } from './solo-tasks';

const task = (project: string, target: string) => ({ id: `${project}:${target}`, target: { project, target } });
const context = (tasks: ReturnType<typeof task>[]) => ({
  taskGraph: { tasks: Object.fromEntries(tasks.map((t) => [t.id, t])) } as never,
  projectsConfigurations: {
    version: 2,
    projects: {
      api: { root: 'apps/api', targets: { image: { executor: 'nx-crossbake:multiarch' }, build: { executor: '@nx/js:tsc' } } },
      web: { root: 'apps/web', targets: { image: { executor: 'nx-crossbake:multiarch' } } },
    },
  },
});

describe('soloTasksNotice', () => {
  const run = context([task('api', 'build'), task('api', 'image'), task('web', 'image')]);

  it('is said by the first of several tasks of the executor on an Nx without preferBatch', () => {
    expect(soloTasksNotice(run, 'api:image', 'nx-crossbake:multiarch', '21.2.2')).toBe(
      'Nx 21.2.2 runs these 2 nx-crossbake:multiarch tasks one by one, a bake each (before 22.6 Nx batches only when asked): add --batch, or set NX_BATCH_MODE=true, to build them in one bake',
    );
    expect(soloTasksNotice(run, 'web:image', 'nx-crossbake:multiarch', '21.2.2')).toBeUndefined();
  });

  it('is not said for one task alone, nor where Nx batches by preference', () => {
    expect(
      soloTasksNotice(context([task('api', 'build'), task('api', 'image')]), 'api:image', 'nx-crossbake:multiarch', '21.2.2'),
    ).toBeUndefined();
    expect(soloTasksNotice(run, 'api:image', 'nx-crossbake:multiarch', '22.6.0')).toBeUndefined();
  });
});
