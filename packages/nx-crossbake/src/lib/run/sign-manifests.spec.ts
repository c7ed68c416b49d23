import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeCosign, PASSWORD } from '../../../test-support/fake-cosign';
import { fakeRegistry } from '../../../test-support/fake-registry';
import { CrossbakeError } from '../core/errors';
import { normalizeOptions } from '../options/normalize';
import type { ManifestPlan } from '../results/digests';
import { prepareManifestSigning } from './sign-manifests';

const env = { COSIGN_PRIVATE_KEY: 'pem', COSIGN_PASSWORD: PASSWORD };
const plan = (project: string): ManifestPlan => ({
  project,
  targetName: 'docker-multiarch',
  tags: [`r.example/${project}:1`],
  sources: [`r.example/${project}@sha256:${'1'.repeat(64)}`, `r.example/${project}@sha256:${'2'.repeat(64)}`],
  platforms: ['linux/amd64', 'linux/arm64'],
});
const optionsOf = (sign: Record<string, unknown>) => (p: ManifestPlan) =>
  normalizeOptions(
    { tags: p.tags, push: true, sign: sign[p.project] } as never,
    { name: p.project, root: `apps/${p.project}` },
    {
      env,
      git: {},
      defaultBranch: 'main',
      now: new Date(0),
    },
  );
const ctx = () => ({
  workspaceRoot: mkdtempSync(join(tmpdir(), 'crossbake-lists-')),
  runDir: mkdtempSync(join(tmpdir(), 'crossbake-lists-run-')),
  env,
});

describe('prepareManifestSigning', () => {
  it('signs each list once created, by the digest its tag names; a project without sign is left alone', async () => {
    const cosign = fakeCosign();
    const registry = fakeRegistry();
    const plans = [plan('api'), plan('web')];
    const signing = await prepareManifestSigning(
      cosign.cli,
      registry.reader,
      plans,
      optionsOf({ api: { key: 'env://COSIGN_PRIVATE_KEY' } }),
      ctx(),
    );
    const digest = registry.put('r.example/api:1', { mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
    registry.put('r.example/web:1', { mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
    expect(await signing.sign(plans[0])).toEqual({ line: `api: signed r.example/api@${digest}` });
    expect(await signing.sign(plans[1])).toEqual({});
    expect(cosign.signatures.get(`r.example/api@${digest}`)).toHaveLength(1);
  });

  it('refuses before any list is created when a key cannot be used', async () => {
    const cosign = fakeCosign();
    const wrong = optionsOf({ api: { key: 'env://COSIGN_PRIVATE_KEY', passwordEnv: 'NOT_SET' } });
    await expect(prepareManifestSigning(cosign.cli, fakeRegistry().reader, [plan('api')], wrong, ctx())).rejects.toThrow(CrossbakeError);
    await expect(prepareManifestSigning(cosign.cli, fakeRegistry().reader, [plan('api')], wrong, ctx())).rejects.toThrow(
      /refusing to create manifest lists:\n {2}- sign: the key env:\/\/COSIGN_PRIVATE_KEY has a password, and \$NOT_SET is not set/,
    );
  });

  it('a list its tag does not name after creation: said, nothing signed', async () => {
    const cosign = fakeCosign();
    const signing = await prepareManifestSigning(
      cosign.cli,
      fakeRegistry().reader,
      [plan('api')],
      optionsOf({ api: { key: 'env://COSIGN_PRIVATE_KEY' } }),
      ctx(),
    );
    expect(await signing.sign(plan('api'))).toEqual({
      problem: 'api: r.example/api:1 is not in the registry after it was created: nothing signed',
    });
    expect(cosign.calls.filter((c) => c.args[0] === 'sign')).toEqual([]);
  });
});
