import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitAsMain } from './support/git';
import { AUTH_REGISTRY, AUTH_REGISTRY_PASSWORD_FILE, COSIGN } from './support/rig';
import {
  BASE_IMAGE,
  E2E_DIR,
  filesContaining,
  imageRef,
  REGISTRY,
  run,
  RUN_ID,
  sampleArgvDuring,
  SETUP_OPTIONS,
  Workspace,
} from './support/workspace';

// Signing on the real rig: cosign 3 from sid, offline key signing, both registries (5001 with a login).
const KEYS = join(E2E_DIR, `signing-keys-${RUN_ID}`);
// Its own builder: Docker Hub mirrored from the rig registry, where the SBOM scanner's stand-in is.
const SBOM_BUILDER = 'e2e-sbom';
const PASSWORD = `canary-pw-${RUN_ID}`;
const REGISTRY_PASSWORD = readFileSync(AUTH_REGISTRY_PASSWORD_FILE, 'utf8').trim();
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const row = (output: string, project: string) => output.split('\n').find((l) => l.startsWith(`${project} `)) ?? '';
const key = { key: 'env://CROSSBAKE_E2E_COSIGN_KEY', passwordEnv: 'CROSSBAKE_E2E_COSIGN_PASSWORD' };
const authRef = (service: string) => `${AUTH_REGISTRY}/e2e-${RUN_ID}/${service}:latest`;

/** Our reading of a task's report (image.json). */
interface Report {
  status: string;
  digest?: string;
  push: boolean;
  signature?: { signed: boolean; refs: string[]; added: number; error?: string };
}

describe('signing with cosign', () => {
  let ws: Workspace;
  let first: ReturnType<Workspace['nx']>;
  let samples = '';
  let keyLine = '';
  let blackHole: Server;
  const pub = join(KEYS, 'cosign.pub');
  const otherPub = join(KEYS, 'other.pub');
  const dockerConfig = join(KEYS, 'docker');
  let env: NodeJS.ProcessEnv;

  const report = (project: string): Report => JSON.parse(ws.read(`dist/nx-crossbake/apps/${project}/docker-multiarch/image.json`));
  const repo = (ref: string) => ref.replace(/:[^:/]*$/, '');
  /** The cosign signatures (not attestations) of the key on `ref`, as the rig's cosign verifies them. */
  const signatures = (ref: string, publicKey = pub): number => {
    const verified = run(COSIGN, ['verify', '--key', publicKey, '--insecure-ignore-tlog=true', ref], {
      env: { DOCKER_CONFIG: dockerConfig },
    });
    if (verified.code !== 0) return 0;
    return (JSON.parse(verified.stdout.trim()) as { critical: { type: string } }[]).filter(
      (e) => e.critical.type === 'https://sigstore.dev/cosign/sign/v1',
    ).length;
  };

  beforeAll(async () => {
    mkdirSync(dockerConfig, { recursive: true });
    for (const [prefix, password] of [
      ['cosign', PASSWORD],
      ['other', 'other'],
    ]) {
      const made = run(COSIGN, ['generate-key-pair', '--output-key-prefix', join(KEYS, prefix)], { env: { COSIGN_PASSWORD: password } });
      if (made.code !== 0) throw new Error(`cosign generate-key-pair failed:\n${made.output}`);
    }
    for (const [what, file] of [
      ['signing-config', 'sc.json'],
      ['trusted-root', 'tr.json'],
    ])
      run(COSIGN, [what, 'create', '--out', join(KEYS, file)]);
    const login = run('docker', ['--config', dockerConfig, 'login', AUTH_REGISTRY, '-u', 'crossbake', '--password-stdin'], {
      input: REGISTRY_PASSWORD,
    });
    if (login.code !== 0) throw new Error(`docker login failed:\n${login.output}`);
    const privateKey = readFileSync(join(KEYS, 'cosign.key'), 'utf8');
    // A line of the ciphertext (the first lines hold the scrypt parameters, the same in every key).
    keyLine = privateKey.split('\n')[6];
    // Accepts connections and never answers: sigstore's services as a silent network shows them to keyless cosign.
    blackHole = createServer(() => undefined);
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));

    const service = (name: string, options: Record<string, unknown>) => ({
      name,
      root: `apps/${name}`,
      dockerfile: `FROM ${BASE_IMAGE}\nCOPY name.txt /name.txt\n`,
      files: { 'name.txt': `${name}\n` },
      options: { platforms: PLATFORMS, tags: [imageRef(name)], push: true, ...options },
    });
    ws = new Workspace('signing', [
      service('api', { sign: { ...key, recursive: true } }),
      service('worker', {
        tags: [authRef('worker')],
        registries: [{ url: AUTH_REGISTRY, username: 'crossbake', passwordEnv: 'CROSSBAKE_E2E_REGISTRY_PASSWORD' }],
        sign: key,
      }),
      service('web', { sign: { key: join(KEYS, 'cosign.key'), passwordEnv: 'CROSSBAKE_E2E_COSIGN_PASSWORD' } }),
      // Its password is wrong: it fails before anything is built.
      service('badpass', { platforms: ['linux/amd64'], sign: { ...key, passwordEnv: 'CROSSBAKE_E2E_WRONG_PASSWORD' } }),
      // Verified with another key than it is signed with: pushed, and failed unsigned.
      service('mismatch', { platforms: ['linux/amd64'], sign: { ...key, verifyKey: otherPub } }),
      // Keyless against a network that never answers: stopped by its own timeout.
      service('keyless', {
        platforms: ['linux/amd64'],
        sign: { keyless: true, identity: '.*', issuer: 'https://issuer.invalid', timeoutSeconds: 3 },
      }),
      // An SBOM from the rig's stand-in scanner, found through a builder that mirrors Docker Hub from the rig registry.
      service('sbomd', { builder: SBOM_BUILDER, sbom: true, sign: { ...key, recursive: true } }),
      // Never built: its tag carries only an attestation (below), for the verify executor.
      service('attonly', { platforms: ['linux/amd64'], sign: key }),
    ]);
    const tools = JSON.parse(ws.read('tools/builder/project.json'));
    tools.targets['docker-setup-sbom'] = {
      executor: 'nx-crossbake:setup',
      options: { ...SETUP_OPTIONS, builder: SBOM_BUILDER, 'registry-mirrors': [REGISTRY] },
    };
    ws.write('tools/builder/project.json', JSON.stringify(tools, null, 2));
    for (const project of ['api', 'attonly']) {
      const config = JSON.parse(ws.read(`apps/${project}/project.json`));
      config.targets['docker-verify'] = { executor: 'nx-crossbake:verify', options: { key: pub } };
      ws.write(`apps/${project}/project.json`, JSON.stringify(config, null, 2));
    }
    commitAsMain(ws, 'seven services');
    env = {
      CROSSBAKE_COSIGN: COSIGN,
      CROSSBAKE_E2E_COSIGN_KEY: readFileSync(join(KEYS, 'cosign.key'), 'utf8'),
      CROSSBAKE_E2E_COSIGN_PASSWORD: PASSWORD,
      CROSSBAKE_E2E_WRONG_PASSWORD: 'not-the-password',
      CROSSBAKE_E2E_REGISTRY_PASSWORD: REGISTRY_PASSWORD,
      SIGSTORE_ID_TOKEN: 'e30.e30.e30',
      HTTPS_PROXY: `http://127.0.0.1:${(blackHole.address() as { port: number }).port}`,
    };
    ({ result: first, samples } = sampleArgvDuring(() =>
      ws.nx(['run-many', '-t', 'docker-multiarch', '-p', 'api,worker,web,badpass,mismatch,keyless,sbomd'], env),
    ));
  });

  afterAll(() => blackHole?.close());

  it('signs each pushed list by digest, on both registries, with exactly one signature that the key verifies', () => {
    for (const [project, ref] of [
      ['api', imageRef('api')],
      ['worker', authRef('worker')],
      ['web', imageRef('web')],
    ]) {
      expect(row(first.output, project)).toMatch(new RegExp(`^${project}\\s+pushed\\s+.*\\s+yes$`));
      const r = report(project);
      expect(r.signature).toEqual({ signed: true, refs: [`${repo(ref)}@${r.digest}`], added: 1 });
      expect(signatures(`${repo(ref)}@${r.digest}`)).toBe(1);
    }
  });

  it('recursive: every platform (and attestation) manifest of the list is signed too', () => {
    const index = JSON.parse(run('docker', ['buildx', 'imagetools', 'inspect', '--raw', imageRef('api')]).stdout) as {
      manifests: { digest: string }[];
    };
    expect(index.manifests.length).toBeGreaterThanOrEqual(PLATFORMS.length);
    for (const m of index.manifests) expect(signatures(`${repo(imageRef('api'))}@${m.digest}`)).toBe(1);
    // Without recursive, only the list is: web's platform manifests carry none.
    const web = JSON.parse(run('docker', ['buildx', 'imagetools', 'inspect', '--raw', imageRef('web')]).stdout) as {
      manifests: { digest: string }[];
    };
    expect(signatures(`${repo(imageRef('web'))}@${web.manifests[0].digest}`)).toBe(0);
  });

  it('sbom: true, the scanner found through the Docker Hub mirror: an SPDX attestation per platform, signed with the list', () => {
    expect(row(first.output, 'sbomd')).toMatch(/^sbomd\s+pushed\s+.*\s+yes$/);
    const index = JSON.parse(run('docker', ['buildx', 'imagetools', 'inspect', '--raw', imageRef('sbomd')]).stdout) as {
      manifests: { digest: string; annotations?: Record<string, string> }[];
    };
    const attestations = index.manifests.filter((m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest');
    expect(attestations).toHaveLength(PLATFORMS.length);
    for (const { digest } of attestations) {
      const ref = `${repo(imageRef('sbomd'))}@${digest}`;
      const manifest = JSON.parse(run('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref]).stdout) as {
        layers: { annotations?: Record<string, string> }[];
      };
      expect(manifest.layers.map((l) => l.annotations?.['in-toto.io/predicate-type'])).toEqual(
        expect.arrayContaining(['https://spdx.dev/Document', 'https://slsa.dev/provenance/v0.2']),
      );
      expect(signatures(ref)).toBe(1);
    }
  });

  it('a wrong password fails that task alone, before building', () => {
    expect(row(first.output, 'badpass')).toMatch(/^badpass\s+invalid/);
    expect(first.output).toContain('the password in $CROSSBAKE_E2E_WRONG_PASSWORD does not decrypt the key env://CROSSBAKE_E2E_COSIGN_KEY');
    expect(run('docker', ['buildx', 'imagetools', 'inspect', imageRef('badpass')]).code).not.toBe(0);
  });

  it('a key that verifyKey does not match: pushed, reported unsigned, the task failed', () => {
    expect(row(first.output, 'mismatch')).toMatch(/^mismatch\s+failed\s+.*\s+no$/);
    const r = report('mismatch');
    expect(r).toMatchObject({ status: 'failed', push: true, signature: { signed: false } });
    expect(r.digest).toMatch(/^sha256:/);
    expect(first.output).toContain(`pushed ${r.digest}, but not signed: cosign signed`);
    expect(run('docker', ['buildx', 'imagetools', 'inspect', imageRef('mismatch')]).code).toBe(0);
    expect(first.code).not.toBe(0);
  });

  it('keyless signing on a network that never answers is stopped by its timeout, the image reported pushed', () => {
    expect(row(first.output, 'keyless')).toMatch(/^keyless\s+failed/);
    const r = report('keyless');
    expect(r).toMatchObject({ status: 'failed', signature: { signed: false } });
    expect(r.signature!.error).toContain('cosign did not finish');
    expect(r.signature!.error).toContain('within 3 s');
  });

  it('keeps the key and its password out of logs, argv and files left behind', () => {
    expect(samples).toContain('cosign'); // the sampler did see cosign run
    for (const secret of [PASSWORD, keyLine]) {
      expect(first.output).not.toContain(secret);
      expect(samples).not.toContain(secret);
    }
    expect(filesContaining([PASSWORD, keyLine], [ws.dir, tmpdir()])).toBe('');
  });

  it('the verify executor passes on a signed tag and fails on one that carries only an attestation', () => {
    // An image whose only cosign artifact is an attestation of this key: cosign verify succeeds on it, we do not.
    const copied = run('docker', ['buildx', 'imagetools', 'create', '-t', imageRef('attonly'), BASE_IMAGE]);
    expect([copied.code, copied.code === 0 ? '' : copied.output]).toEqual([0, '']);
    const digest = JSON.parse(
      run('docker', ['buildx', 'imagetools', 'inspect', imageRef('attonly'), '--format', '{{json .Manifest}}']).stdout,
    ).digest;
    writeFileSync(join(KEYS, 'predicate.json'), '{"built":"elsewhere"}');
    const attested = run(
      COSIGN,
      [
        'attest',
        '--key',
        join(KEYS, 'cosign.key'),
        '--signing-config',
        join(KEYS, 'sc.json'),
        '--trusted-root',
        join(KEYS, 'tr.json'),
        '--predicate',
        join(KEYS, 'predicate.json'),
        '--type',
        'custom',
        '-y',
        `${repo(imageRef('attonly'))}@${digest}`,
      ],
      { env: { COSIGN_PASSWORD: PASSWORD } },
    );
    expect([attested.code, attested.code === 0 ? '' : attested.output]).toEqual([0, '']);
    const cosignVerified = run(COSIGN, ['verify', '--key', pub, '--insecure-ignore-tlog=true', `${repo(imageRef('attonly'))}@${digest}`]);
    expect([cosignVerified.code, cosignVerified.code === 0 ? '' : cosignVerified.output]).toEqual([0, '']);
    const verified = ws.nx(['run-many', '-t', 'docker-verify', '-p', 'api,attonly'], { CROSSBAKE_COSIGN: COSIGN });
    expect(verified.code).not.toBe(0);
    expect(verified.output).toContain(`${imageRef('api')} → ${report('api').digest}: linux/amd64, linux/arm64, linux/arm/v7, signed`);
    expect(verified.output).toContain(`${imageRef('attonly')} (${digest}) has no signature of the public key ${pub}`);
    // Nx's list of failed tasks: the attestation-only one alone.
    const failed = verified.output.slice(verified.output.lastIndexOf('Failed tasks:'));
    expect(failed).toContain('- attonly:docker-verify');
    expect(failed).not.toContain('- api:docker-verify');
  });

  it('a second run reuses the images and adds no signature; with reuse off, exactly one on the digest pushed', () => {
    const before = Object.fromEntries(['api', 'worker', 'web'].map((p) => [p, report(p).digest]));
    const web = JSON.parse(ws.read('apps/web/project.json'));
    web.targets['docker-multiarch'].options.reuse = false;
    ws.write('apps/web/project.json', JSON.stringify(web, null, 2));
    const second = ws.nx(['run-many', '-t', 'docker-multiarch', '-p', 'api,worker,web'], env);
    expect(second.code).toBe(0);
    for (const [project, ref] of [
      ['api', imageRef('api')],
      ['worker', authRef('worker')],
    ]) {
      expect(row(second.output, project)).toMatch(new RegExp(`^${project}\\s+reused\\s+.*\\s+yes$`));
      expect(report(project)).toMatchObject({ digest: before[project], signature: { signed: true, added: 0 } });
      expect(signatures(`${repo(ref)}@${before[project]}`)).toBe(1);
    }
    // Rebuilt: reproducible, so maybe the same digest, which then keeps its one signature; or a new one, signed once.
    expect(row(second.output, 'web')).toMatch(/^web\s+pushed\s+.*\s+yes$/);
    const digest = report('web').digest!;
    expect(signatures(`${repo(imageRef('web'))}@${digest}`)).toBe(1);
    expect(signatures(`${repo(imageRef('web'))}@${before.web}`)).toBe(1);
  });
});
