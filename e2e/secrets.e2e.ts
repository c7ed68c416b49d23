import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { BASE_IMAGE, filesContaining, imageRef, run, runImage, sampleArgvDuring, Workspace } from './support/workspace';

const CANARY = `canary-${Date.now().toString(36)}-do-not-leak`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('build secrets', () => {
  let ws: Workspace;
  let result: ReturnType<Workspace['nx']>;
  let argv = '';
  const image = imageRef('secret-user');

  beforeAll(() => {
    ws = new Workspace('secrets', [
      {
        name: 'secret-user',
        root: 'apps/secret-user',
        // The step proves it saw the secret by its hash, so the value itself is written nowhere.
        dockerfile: [
          `FROM ${BASE_IMAGE}`,
          `RUN --mount=type=secret,id=token,env=TOKEN test "$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)" = "${sha256(CANARY)}" && echo seen > /secret-seen`,
          'CMD ["cat", "/secret-seen"]',
          '',
        ].join('\n'),
        options: { platforms: ['linux/amd64', 'linux/arm64'], tags: [image], push: true, secrets: ['id=token,env=CROSSBAKE_E2E_TOKEN'] },
      },
    ]);
    ({ result, samples: argv } = sampleArgvDuring(() => ws.nx(['run-many', '-t', 'docker-multiarch'], { CROSSBAKE_E2E_TOKEN: CANARY })));
  });

  it('reaches the RUN --mount=type=secret step on every platform', () => {
    expect(result.code).toBe(0);
    expect(runImage(image, 'linux/arm64')).toBe('seen');
    expect(runImage(image, 'linux/amd64')).toBe('seen');
  });

  it('appears nowhere else: output, argv, bake file, metadata, reports, workspace and temp files, image config and layers', () => {
    expect(result.output).not.toContain(CANARY);
    expect(argv).toContain('buildx'); // the sampler saw the run
    expect(argv).not.toContain(CANARY);
    expect(filesContaining(CANARY, [ws.dir, tmpdir()])).toBe('');
    const bakeFile = ws.read(ws.bakeCalls()[0].match(/--file (\S+)/)![1]);
    expect(JSON.parse(bakeFile).target['secret-user'].secret).toEqual(['id=token,env=CROSSBAKE_E2E_TOKEN']);
    // The pushed image, every byte of it (config, history, layers), as saved from the engine.
    const saved = run('bash', ['-c', `docker save ${image} | grep -c -a -- '${CANARY}' || true`]);
    expect(saved.stdout.trim()).toBe('0');
    expect(run('docker', ['buildx', 'imagetools', 'inspect', '--raw', image]).stdout).not.toContain(CANARY);
  });

  it('refuses to build when the variable is not set, naming it', () => {
    const failed = ws.nx(['run-many', '-t', 'docker-multiarch']);
    expect(failed.code).not.toBe(0);
    expect(failed.output).toContain("secret 'token' reads the environment variable CROSSBAKE_E2E_TOKEN, which is not set");
  });
});
