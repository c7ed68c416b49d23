import type { NxContainerOptions } from './nx-container-options';

/**
 * How each `@nx-tools/nx-container:build` option becomes `nx-crossbake:multiarch` options. One row per
 * nx-container option; `metadata` is not here because it replaces `tags` and `labels` (see metadata-tags.ts).
 * A row only says what the option means for nx-crossbake; whether the multiarch executor has the option
 * (yet) is checked against its schema.json when converting, so a row turns on when the executor learns it.
 */
export interface RuleResult {
  /** nx-crossbake options to set. */
  set?: Record<string, unknown>;
  /** Why (part of) the value could not be converted. */
  unsupported?: string[];
  notes?: string[];
}

export type Rule =
  { kind: 'copy' } | { kind: 'convert'; convert: (value: unknown, name: string) => RuleResult } | { kind: 'unsupported'; reason: string };

const copy: Rule = { kind: 'copy' };
const unsupported = (reason: string): Rule => ({ kind: 'unsupported', reason });

/** nx-container accepts one string or a list for the cache options; nx-crossbake takes a list. */
const toList: Rule = {
  kind: 'convert',
  convert: (value, name) =>
    typeof value === 'string' ? { set: { [name]: [value] }, notes: [`${name} written as a list`] } : { set: { [name]: value } },
};

/**
 * nx-container passes `KEY=VALUE` secrets as values (expanding $VAR from the environment). nx-crossbake
 * takes only references, so `KEY=$VAR` becomes `id=KEY,env=VAR`; a literal value cannot be kept.
 */
const secrets: Rule = {
  kind: 'convert',
  convert: (value) => {
    const specs: string[] = [];
    const problems: string[] = [];
    for (const entry of Array.isArray(value) ? value : [value]) {
      const text = String(entry);
      const reference = text.match(/^([^=,\s]+)=\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/);
      if (/(^|,)id=/.test(text)) specs.push(text);
      else if (reference) specs.push(`id=${reference[1]},env=${reference[2]}`);
      else
        problems.push(
          `secret '${text.split('=')[0]}' holds its value in project.json: put it in an environment variable and write id=${text.split('=')[0]},env=<VARIABLE>`,
        );
    }
    return { ...(specs.length > 0 && { set: { secrets: specs } }), unsupported: problems };
  },
};

const PROVENANCE = ['true', 'false', 'mode=min', 'mode=max'];
const provenance: Rule = {
  kind: 'convert',
  convert: (value) =>
    PROVENANCE.includes(String(value))
      ? { set: { provenance: String(value) } }
      : { unsupported: [`'${String(value)}' is not one of ${PROVENANCE.join(', ')}, the provenance values nx-crossbake takes`] },
};

const sbom: Rule = {
  kind: 'convert',
  convert: (value) =>
    ['true', 'false'].includes(String(value))
      ? { set: { sbom: String(value) === 'true' } }
      : { unsupported: [`'${String(value)}': nx-crossbake takes sbom true or false only`] },
};

/** A named builder was made by someone else (e.g. setup-buildx-action): keep using it as it is. */
const builder: Rule = {
  kind: 'convert',
  convert: (value) => ({
    set: { builder: value, setup: false },
    notes: [
      `builder '${String(value)}' is used as it is (setup: false), as nx-container did; remove setup to let nx-crossbake create and check it`,
    ],
  }),
};

const engine: Rule = {
  kind: 'convert',
  convert: (value) =>
    value === 'docker'
      ? { notes: ["engine 'docker' dropped: nx-crossbake always builds with docker buildx"] }
      : { unsupported: [`engine '${String(value)}': nx-crossbake builds with docker buildx only`] },
};

// `satisfies`: every option nx-container documents has a rule, and no rule names an option it does not have.
export const OPTION_RULES: Readonly<Record<string, Rule>> = {
  file: copy,
  context: copy,
  platforms: copy,
  tags: copy,
  push: copy,
  load: copy,
  'build-args': copy,
  target: copy,
  labels: copy,
  pull: copy,
  'no-cache': copy,
  outputs: copy,
  'secret-files': copy,
  ssh: copy,
  'build-contexts': copy,
  'cache-from': toList,
  'cache-to': toList,
  builder,
  secrets,
  provenance,
  sbom,
  engine,
  quiet: unsupported('nx-crossbake always shows the build output'),
  'github-token': unsupported('nx-container used it to read the GitHub context for metadata; nx-crossbake reads no CI context'),
  'add-hosts': unsupported('extra host-to-IP mappings for RUN steps (--add-host) are not an nx-crossbake:multiarch option yet'),
  allow: unsupported('extra entitlements (network.host, security.insecure) are not an nx-crossbake:multiarch option yet'),
  'cgroup-parent': unsupported('a parent cgroup for RUN steps is not an nx-crossbake:multiarch option yet'),
  network: unsupported('the network mode of RUN steps is not an nx-crossbake:multiarch option yet'),
  'shm-size': unsupported('the size of /dev/shm for RUN steps is not an nx-crossbake:multiarch option yet'),
  ulimit: unsupported('ulimits for RUN steps are not an nx-crossbake:multiarch option yet'),
  registries: unsupported('pushing to extra registries is not an nx-crossbake:multiarch option: add their image names to tags'),
  'no-cache-filters': unsupported('skipping the cache for some stages only is not an nx-crossbake:multiarch option yet'),
} satisfies Record<Exclude<keyof NxContainerOptions, 'metadata'>, Rule>;
