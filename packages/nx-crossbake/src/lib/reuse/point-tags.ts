import { CrossbakeError } from '../core/errors';
import type { DockerCli } from '../docker/docker-cli';
import { repositoryOf } from '../options/image-names';
import { manifestRef, type ManifestReader } from './manifest-reader';

const ROUNDS = 3;

/** A tag's digest now, or undefined when it is not there or cannot be read (it is then pointed again). */
async function digestOf(registry: ManifestReader, ref: string): Promise<string | undefined> {
  try {
    return (await registry.headManifest(manifestRef(ref)))?.digest;
  } catch (e) {
    if (!(e instanceof CrossbakeError)) throw e;
    return undefined;
  }
}

/**
 * Points a task's requested tags at the index under its key tag, as it is now, and returns that digest once
 * every tag is confirmed on it. `imagetools create -t <tag> <repo>@<digest>` copies the index as it is, so
 * the digest stays; a tag already there is left alone. Another run may push the key tag meanwhile (two
 * runners missed the same key at once): when the key tag moved while the tags were pointed, they are pointed
 * again, so every run ends with all tags on the key tag's last image.
 */
export async function pointTags(cli: DockerCli, registry: ManifestReader, keyTag: string, tags: readonly string[]): Promise<string> {
  for (let round = 1; round <= ROUNDS; round++) {
    const digest = await digestOf(registry, keyTag);
    if (!digest) throw new CrossbakeError(`the image under ${keyTag} could not be read back to put its tags on it`);
    const current = await Promise.all(tags.map((tag) => digestOf(registry, tag)));
    const stale = tags.filter((_, i) => current[i] !== digest);
    // Every tag already there (the usual case of a reused image): confirmed, nothing to move.
    if (stale.length === 0) return digest;
    await cli.imagetoolsCreate({ tags: stale, sources: [`${repositoryOf(keyTag)}@${digest}`] });
    if ((await digestOf(registry, keyTag)) !== digest) continue;
    const after = await Promise.all(tags.map((tag) => digestOf(registry, tag)));
    const wrong = tags.filter((_, i) => after[i] !== digest);
    if (wrong.length === 0) return digest;
    if (round === ROUNDS) throw new CrossbakeError(`${wrong.join(', ')} did not end on ${digest} (the image under ${keyTag})`);
  }
  throw new CrossbakeError(`${keyTag} kept moving while its tags were pointed at it: another run is pushing the same key`);
}
