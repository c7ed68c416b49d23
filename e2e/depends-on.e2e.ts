import {
  BASE_IMAGE,
  batchFlag,
  imageRef,
  NX_VERSIONS,
  RUN_ID,
  runImage,
  SETUP_OPTIONS,
  Workspace,
  type NxVersion,
} from './support/workspace';

/**
 * `dependsOn: ["build"]`: Nx batches the multiarch tasks that are ready when it schedules, and a task is ready
 * when its build has finished. Builds that finish at different times therefore start separate batches, so
 * separate bakes: measured here with builds of different lengths. Building first, then running the images
 * without their task dependencies, gives one bake (README "Bakes and dependsOn"). Run on the ends of the matrix:
 * Nx 21, which batches with --batch only, and Nx 24; Nx 22.7 batches by preference as Nx 24 does.
 */
describe.each(NX_VERSIONS.filter((v) => v !== '22'))('Nx %s: multiarch targets that depend on a build target', (nx: NxVersion) => {
  let ws: Workspace;
  const projects = ['alpha', 'beta', 'gamma'];
  // Different lengths, so the three builds finish at three different times, as real builds do.
  const seconds: Record<string, number> = { alpha: 0, beta: 3, gamma: 6 };

  /** The build writes a value no earlier run can have: the image must carry this run's. */
  const stamp = (project: string, run: string) => `${project}-${RUN_ID}-${run}`;
  const image = (project: string) => imageRef(`dep-nx${nx}-${project}`);

  beforeAll(() => {
    ws = new Workspace(`depends-on-nx${nx}`, [], {}, SETUP_OPTIONS, { nx });
    for (const name of projects) {
      ws.write(`apps/${name}/Dockerfile`, `FROM ${BASE_IMAGE}\nCOPY dist/out.txt /out.txt\nCMD ["cat", "/out.txt"]\n`);
      ws.write(
        `apps/${name}/project.json`,
        JSON.stringify({
          name,
          root: `apps/${name}`,
          targets: {
            build: {
              executor: 'nx:run-commands',
              cache: false,
              options: {
                command: `sleep ${seconds[name]} && mkdir -p apps/${name}/dist && printf %s "${name}-${RUN_ID}-$STAMP" > apps/${name}/dist/out.txt`,
              },
            },
            'docker-multiarch': {
              executor: 'nx-crossbake:multiarch',
              dependsOn: ['build'],
              options: { platforms: ['linux/amd64', 'linux/arm64'], tags: [image(name)], push: true },
            },
          },
        }),
      );
    }
  });

  it('splits into one bake per moment a build finishes; each image has its own fresh build output', () => {
    const result = ws.nx(['run-many', '-t', 'docker-multiarch', ...batchFlag(nx)], { STAMP: 'first' });
    expect([result.code, result.code === 0 ? '' : result.output]).toEqual([0, '']);
    const bakes = ws.bakeCalls();
    process.stderr.write(`[e2e] Nx ${nx}: dependsOn build, builds of ${Object.values(seconds).join('/')} s: ${bakes.length} bakes\n`);
    expect(bakes).toHaveLength(3);
    for (const name of projects) {
      expect(runImage(image(name), 'linux/arm64')).toBe(stamp(name, 'first'));
    }
  });

  it('builds first, then the images without their task dependencies: one bake, fresh outputs', () => {
    const before = ws.bakeCalls().length;
    const builds = ws.nx(['run-many', '-t', 'build'], { STAMP: 'second' });
    expect(builds.code).toBe(0);
    const images = ws.nx(['run-many', '-t', 'docker-multiarch', '--exclude-task-dependencies', ...batchFlag(nx)], { STAMP: 'not-run' });
    expect([images.code, images.code === 0 ? '' : images.output]).toEqual([0, '']);
    expect(ws.bakeCalls()).toHaveLength(before + 1);
    for (const name of projects) {
      expect(runImage(image(name), 'linux/amd64')).toBe(stamp(name, 'second'));
    }
  });
});
