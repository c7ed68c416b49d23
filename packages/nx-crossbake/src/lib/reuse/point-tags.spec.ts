import { DockerCli } from '../docker/docker-cli';
import { fakeRegistry } from '../../../test-support/fake-registry';
import type { Exec } from '../process/exec';
import { pointTags } from './point-tags';

const REPO = '127.0.0.1:5000/acme/api';
const KEY_TAG = `${REPO}:crossbake-k`;

/** A docker CLI whose `imagetools create` copies in the fake registry, after `meanwhile` (another runner) has run. */
function setup(meanwhile: () => void = () => undefined) {
  const registry = fakeRegistry();
  const creates: string[][] = [];
  const exec: Exec = async (_file, args) => {
    creates.push([...args]);
    meanwhile();
    const tags = args.flatMap((a, i) => (args[i - 1] === '--tag' ? [a] : []));
    for (const tag of tags) registry.copy(args[args.length - 1], tag);
    return { exitCode: 0, stdout: '', stderr: '' };
  };
  return { registry, creates, cli: new DockerCli(exec) };
}

describe('pointTags', () => {
  it('points only the tags that are elsewhere, with the index as it is, and returns the digest they are all on', async () => {
    const { registry, creates, cli } = setup();
    const digest = registry.put(KEY_TAG, { manifests: [1] });
    registry.copy(KEY_TAG, `${REPO}:1`);
    expect(await pointTags(cli, registry.reader, KEY_TAG, [`${REPO}:1`, `${REPO}:abc1234`])).toBe(digest);
    expect(creates).toEqual([['buildx', 'imagetools', 'create', '--tag', `${REPO}:abc1234`, `${REPO}@${digest}`]]);
    expect(registry.digestOf(`${REPO}:abc1234`)).toBe(digest);
  });

  it('starts no process when every tag is already there', async () => {
    const { registry, creates, cli } = setup();
    const digest = registry.put(KEY_TAG, { manifests: [1] });
    registry.copy(KEY_TAG, `${REPO}:1`);
    expect(await pointTags(cli, registry.reader, KEY_TAG, [`${REPO}:1`])).toBe(digest);
    expect(creates).toEqual([]);
  });

  it('points the tags again when another runner pushed the key tag meanwhile, ending on its image', async () => {
    let pushed = false;
    const { registry, creates, cli } = setup(() => {
      if (!pushed) registry.put(KEY_TAG, { manifests: [2] });
      pushed = true;
    });
    registry.put(KEY_TAG, { manifests: [1] });
    const digest = await pointTags(cli, registry.reader, KEY_TAG, [`${REPO}:1`]);
    expect(digest).toBe(registry.digestOf(KEY_TAG));
    expect(registry.digestOf(`${REPO}:1`)).toBe(digest);
    expect(creates).toHaveLength(2);
  });

  it('fails when the key tag cannot be read back', async () => {
    const { registry, cli } = setup();
    await expect(pointTags(cli, registry.reader, KEY_TAG, [`${REPO}:1`])).rejects.toThrow(/could not be read back/);
  });
});
