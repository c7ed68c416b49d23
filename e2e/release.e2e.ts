import { BASE_IMAGE, imageRef, registryPlatforms, run, runImage, Workspace } from './support/workspace';

describe('nx release publish', () => {
  it('versions the project, then pushes <image>:<version> as a multi-platform index', () => {
    const repository = imageRef('released').replace(/:latest$/, '');
    const ws = new Workspace('release', [], {
      release: { projects: ['released'], version: { versionActions: 'nx-crossbake/dist/release/version-actions' } },
    });
    ws.write('apps/released/package.json', JSON.stringify({ name: 'released', version: '1.2.3' }));
    ws.write('apps/released/Dockerfile', `FROM ${BASE_IMAGE}\nRUN uname -m > /built-on\nCMD ["cat", "/built-on"]\n`);
    ws.write(
      'apps/released/project.json',
      JSON.stringify({
        name: 'released',
        root: 'apps/released',
        targets: {
          'docker-multiarch': {
            executor: 'nx-crossbake:multiarch',
            options: { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'], tags: [`${repository}:{version}`], push: true },
          },
          'nx-release-publish': { executor: 'nx-crossbake:release-publish' },
        },
      }),
    );
    run('git', ['init', '-q', '-b', 'main'], { cwd: ws.dir });

    // nx release version writes the new version where {version} reads it (our version actions, no @nx/js).
    const version = ws.nx(['release', 'version', '1.3.0', '--projects=released', '--git-commit=false', '--git-tag=false']);
    expect([version.code, version.code === 0 ? '' : version.output]).toEqual([0, '']);
    expect(JSON.parse(ws.read('apps/released/package.json')).version).toBe('1.3.0');

    const dry = ws.nx(['release', 'publish', '--projects=released', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.output).toContain(`${repository}:1.3.0`);
    expect(run('docker', ['buildx', 'imagetools', 'inspect', `${repository}:1.3.0`]).code).not.toBe(0);

    const result = ws.nx(['release', 'publish', '--projects=released', '--tag=next']);
    expect(result.code).toBe(0);
    const all = ['linux/amd64', 'linux/arm/v7', 'linux/arm64'];
    expect(registryPlatforms(`${repository}:1.3.0`)).toEqual(all);
    expect(registryPlatforms(`${repository}:next`)).toEqual(all);
    expect(runImage(`${repository}:1.3.0`, 'linux/arm/v7')).toBe('armv7l');
  });

  it('publishes a release group of two projects in ONE bake (a dependsOn chain included), both indexes with every platform', () => {
    const repository = (name: string) => imageRef(name).replace(/:latest$/, '');
    const all = ['linux/amd64', 'linux/arm/v7', 'linux/arm64'];
    const ws = new Workspace('release-group', [], {
      release: {
        groups: { images: { projects: ['alpha', 'beta'], projectsRelationship: 'fixed' } },
        version: { versionActions: 'nx-crossbake/dist/release/version-actions' },
      },
    });
    for (const name of ['alpha', 'beta']) {
      ws.write(`apps/${name}/package.json`, JSON.stringify({ name, version: '0.1.0' }));
      ws.write(`apps/${name}/Dockerfile`, `FROM ${BASE_IMAGE}\nRUN echo ${name} > /name\nCMD ["cat", "/name"]\n`);
      ws.write(
        `apps/${name}/project.json`,
        JSON.stringify({
          name,
          root: `apps/${name}`,
          // beta publishes after alpha, as @nx/js's publish targets do: Nx still puts both into one batch.
          ...(name === 'beta' && { implicitDependencies: ['alpha'] }),
          targets: {
            'docker-multiarch': {
              executor: 'nx-crossbake:multiarch',
              options: { platforms: all, tags: [`${repository(name)}:{version}`], push: true },
            },
            'nx-release-publish': {
              executor: 'nx-crossbake:release-publish',
              ...(name === 'beta' && { dependsOn: ['^nx-release-publish'] }),
            },
          },
        }),
      );
    }
    run('git', ['init', '-q', '-b', 'main'], { cwd: ws.dir });

    const version = ws.nx(['release', 'version', '0.2.0', '--groups=images', '--git-commit=false', '--git-tag=false']);
    expect([version.code, version.code === 0 ? '' : version.output]).toEqual([0, '']);

    const dry = ws.nx(['release', 'publish', '--groups=images', '--dry-run']);
    expect([dry.code, dry.code === 0 ? '' : dry.output]).toEqual([0, '']);
    expect(dry.output).toContain(`${repository('alpha')}:0.2.0`);
    expect(dry.output).toContain(`${repository('beta')}:0.2.0`);
    expect(ws.bakeCalls()).toEqual([]);

    const result = ws.nx(['release', 'publish', '--groups=images']);
    expect([result.code, result.code === 0 ? '' : result.output]).toEqual([0, '']);
    const bakes = ws.bakeCalls();
    expect(bakes).toHaveLength(1);
    const definition = JSON.parse(ws.read(ws.bakeFile(bakes[0]))) as { target: Record<string, { tags: string[] }> };
    expect(
      Object.values(definition.target)
        .map((t) => t.tags)
        .sort(),
    ).toEqual([[`${repository('alpha')}:0.2.0`], [`${repository('beta')}:0.2.0`]]);
    expect(registryPlatforms(`${repository('alpha')}:0.2.0`)).toEqual(all);
    expect(registryPlatforms(`${repository('beta')}:0.2.0`)).toEqual(all);
    expect(runImage(`${repository('beta')}:0.2.0`, 'linux/arm64')).toBe('beta');
  });
});
