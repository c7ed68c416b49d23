import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { COSIGN } from './support/rig';
import { BASE_IMAGE, E2E_DIR, imageRef, registryPlatforms, run, RUN_ID, runImage, Workspace } from './support/workspace';

// The list is signed by the manifest job, which alone has the key: the runners push platform images by digest.
const KEYS = join(E2E_DIR, `distributed-keys-${RUN_ID}`);
const SIGNING_ENV = { CROSSBAKE_COSIGN: COSIGN, CROSSBAKE_E2E_COSIGN_PASSWORD: 'distributed' };

describe('distributed native builds: push by digest per runner, then one manifest list', () => {
  let ws: Workspace;
  const tag = imageRef('dist-api', '1.0');

  beforeAll(() => {
    mkdirSync(KEYS, { recursive: true });
    const made = run(COSIGN, ['generate-key-pair', '--output-key-prefix', join(KEYS, 'cosign')], {
      env: { COSIGN_PASSWORD: SIGNING_ENV.CROSSBAKE_E2E_COSIGN_PASSWORD },
    });
    if (made.code !== 0) throw new Error(`cosign generate-key-pair failed:\n${made.output}`);
    ws = new Workspace('distributed', [
      {
        name: 'dist-api',
        root: 'apps/dist-api',
        dockerfile: `FROM ${BASE_IMAGE}\nRUN uname -m > /built-on\nCMD ["cat", "/built-on"]\n`,
        options: {
          platforms: ['linux/amd64', 'linux/arm64'],
          tags: [tag],
          push: true,
          sign: { key: join(KEYS, 'cosign.key'), passwordEnv: 'CROSSBAKE_E2E_COSIGN_PASSWORD' },
        },
      },
    ]);
    const project = JSON.parse(ws.read('apps/dist-api/project.json'));
    // What each runner of a CI matrix runs: one platform, pushed by digest into its artifact folder.
    project.targets['docker-multiarch'].configurations = {
      amd64: { platforms: ['linux/amd64'], 'push-by-digest': 'digests/amd64' },
      arm64: { platforms: ['linux/arm64'], 'push-by-digest': 'digests/arm64' },
    };
    ws.write('apps/dist-api/project.json', JSON.stringify(project, null, 2));
    const tools = JSON.parse(ws.read('tools/builder/project.json'));
    tools.targets['docker-manifest'] = {
      executor: 'nx-crossbake:manifest',
      options: { digests: ['digests/amd64', 'digests/arm64'] },
      configurations: {
        partial: { digests: ['digests/amd64'] },
        twice: { digests: ['digests/amd64', 'digests/amd64-again', 'digests/arm64'] },
      },
    };
    ws.write('tools/builder/project.json', JSON.stringify(tools, null, 2));
  });

  it('each runner pushes its platform by digest (under a staging tag: the docker driver cannot push untagged) and records it', () => {
    for (const platform of ['amd64', 'arm64']) {
      const result = ws.nx(['run-many', '-t', 'docker-multiarch', '-c', platform]);
      expect(result.code).toBe(0);
      const record = JSON.parse(ws.read(`digests/${platform}/dist-api__linux-${platform}.json`));
      expect(record).toMatchObject({ project: 'dist-api', platforms: [`linux/${platform}`], tags: [tag] });
      expect(record.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    expect(run('docker', ['buildx', 'imagetools', 'inspect', tag]).code).not.toBe(0); // nothing tagged yet
  });

  it('refuses a platform no runner pushed, and one pushed twice, creating nothing', () => {
    const partial = ws.nx(['run', 'builder:docker-manifest:partial']);
    expect(partial.code).not.toBe(0);
    expect(partial.output).toContain('dist-api: no runner pushed linux/arm64 (it builds linux/amd64, linux/arm64)');
    cpSync(join(ws.dir, 'digests/amd64'), join(ws.dir, 'digests/amd64-again'), { recursive: true });
    const twice = ws.nx(['run', 'builder:docker-manifest:twice']);
    expect(twice.code).not.toBe(0);
    expect(twice.output).toContain('dist-api: linux/amd64 was pushed twice');
    expect(run('docker', ['buildx', 'imagetools', 'inspect', tag]).code).not.toBe(0);
  });

  it('joins the digests into one tagged manifest list with both platforms, and signs the list', () => {
    const result = ws.nx(['run', 'builder:docker-manifest'], SIGNING_ENV);
    expect(result.code).toBe(0);
    expect(result.output).toContain(`dist-api: ${tag} → one manifest list for linux/amd64, linux/arm64`);
    const digest = JSON.parse(run('docker', ['buildx', 'imagetools', 'inspect', tag, '--format', '{{json .Manifest}}']).stdout).digest;
    const list = `${tag.replace(/:[^:/]*$/, '')}@${digest}`;
    expect(result.output).toContain(`dist-api: signed ${list}`);
    const verified = run(COSIGN, ['verify', '--key', join(KEYS, 'cosign.pub'), '--insecure-ignore-tlog=true', list]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('https://sigstore.dev/cosign/sign/v1');
    expect(registryPlatforms(tag)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(runImage(tag, 'linux/arm64')).toBe('aarch64');
  });
});
