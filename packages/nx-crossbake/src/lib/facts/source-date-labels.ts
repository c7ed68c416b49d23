import type { SourceDate } from './source-date';
import { CREATED_LABEL, REVISION_LABEL } from '../options/normalize';
import type { ServiceOptions } from '../options/service-options';

/**
 * The options of a task with its source date applied: the `SOURCE_DATE_EPOCH` build arg (BuildKit reads it
 * for timestamps; a build-arg the user set wins) and, where the labels are ours, `created` at that time
 * and `revision` the commit that last changed the inputs (HEAD would change every image on every commit).
 * Without a date (not reproducible, or git knew none) the options stay as they are.
 */
export function withSourceDate(options: ServiceOptions, date: SourceDate | undefined): ServiceOptions {
  if (!options.reproducible || date === undefined) return options;
  const ours = (label: string, value: string | undefined) =>
    value !== undefined && options.ownLabels.includes(label) ? { [label]: value } : {};
  return {
    ...options,
    sourceDateEpoch: date.epoch,
    buildArgs: { SOURCE_DATE_EPOCH: String(date.epoch), ...options.buildArgs },
    labels: {
      ...options.labels,
      ...ours(CREATED_LABEL, new Date(date.epoch * 1000).toISOString()),
      ...ours(REVISION_LABEL, date.revision),
    },
  };
}
