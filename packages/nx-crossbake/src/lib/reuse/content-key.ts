import { createHash } from 'node:crypto';
import { repositoryOf } from '../options/image-names';
import type { ServiceOptions } from '../options/service-options';

/** Bumped whenever what goes into a key, or how, changes: every image is then built once more. */
const KEY_FORMAT = 'nx-crossbake/content-key/v1';
/** The index annotation that records the key an image was built for: an index without it is never reused. */
export const KEY_ANNOTATION = 'dev.nx-crossbake.content-key';
const KEY_TAG_PREFIX = 'crossbake-';

/** What a key is computed from, once the run has resolved every input to content. */
export interface KeyInputs {
  /** sha256 of the Dockerfile's bytes (its `# syntax=` line, every instruction, heredocs). */
  dockerfile: string;
  /** The build context as BuildKit is sent it (reuse/context-digest). */
  context: string;
  /** Each named context, resolved: `key:<sibling's key>`, `image:<index digest>` or `dir:<digest>`. */
  namedContexts: Readonly<Record<string, string>>;
  /** Each external image the Dockerfile reads (FROM, COPY --from, RUN --mount from=, the frontend) → its index digest now. */
  images: Readonly<Record<string, string>>;
}

/** The part of a task's options that reaches the image (tags, cache and builder do not: the same inputs make the same image anywhere). */
function optionsPart(o: ServiceOptions) {
  const idOf = (spec: string) => /(?:^|,)id=([^,]*)/.exec(spec)?.[1] ?? spec.split(/[=,]/)[0];
  return {
    target: o.target ?? null,
    platforms: [...o.platforms].sort(),
    buildArgs: o.buildArgs,
    labels: o.labels,
    attest: o.attest,
    // A secret or SSH agent is named, never read: its value is not the image's (a RUN that bakes it in is the user's choice).
    secrets: o.secrets.map(idOf).sort(),
    ssh: o.ssh.map((s) => s.split('=')[0]).sort(),
    reproducible: o.reproducible,
    sourceDateEpoch: o.sourceDateEpoch ?? null,
    salt: o.reuseSalt,
    // Not the image's, but what let it through: an image built before `check: error` was set is built (and
    // checked) once more, not reused past the gate. Absent otherwise, so other keys stay as they were.
    ...(o.check === 'error' ? { checked: true } : {}),
  };
}

/** JSON with every object's keys sorted: one text for one value, whatever order it was built in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The content key of a task: sha256 (hex) over the key format, its options that reach the image, and its resolved inputs. */
export function contentKey(options: ServiceOptions, inputs: KeyInputs): string {
  return createHash('sha256')
    .update(canonical({ format: KEY_FORMAT, options: optionsPart(options), inputs }))
    .digest('hex');
}

/** Where the image of a key lives: a tag in the task's own repository (its first tag's). */
export const keyTagOf = (options: Pick<ServiceOptions, 'tags'>, key: string) => `${repositoryOf(options.tags[0])}:${KEY_TAG_PREFIX}${key}`;
