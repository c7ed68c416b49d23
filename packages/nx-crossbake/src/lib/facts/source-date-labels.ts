import type { SourceDate } from './source-date';
import { CREATED_LABEL, REVISION_LABEL } from '../options/normalize';
import type { ServiceOptions } from '../options/service-options';

/**
 * The SOURCE_DATE_EPOCH a reproducible task builds with. By default a constant, 0 (as ko, rules_oci and apko
 * do): BuildKit keys every step on the build arg, so a commit time there re-runs every step of an image on
 * each commit that changes it, and `rewrite-timestamp` only clamps times newer than the epoch, so layers kept
 * from an older build would keep their times and a warm build would differ from a cold one. With 0 every
 * time is clamped. `source-date-epoch: commit` takes the commit time instead, at that cost; an exported
 * SOURCE_DATE_EPOCH (a date without a revision) wins over both, as every reproducible-builds tool reads it.
 */
function epochOf(options: ServiceOptions, date: SourceDate | undefined): number | undefined {
  if (date !== undefined && date.revision === undefined) return date.epoch;
  return options.sourceDateMode === 'zero' ? 0 : date?.epoch;
}

/**
 * The options of a task with its source date applied: the `SOURCE_DATE_EPOCH` build arg (BuildKit reads it
 * for timestamps; a build-arg the user set wins) and, where the labels are ours, `created` at the date and
 * `revision` the commit that last changed the inputs (HEAD would change every image on every commit).
 * Without a date (git knew none) the labels stay as they are.
 */
export function withSourceDate(options: ServiceOptions, date: SourceDate | undefined): ServiceOptions {
  const epoch = options.reproducible ? epochOf(options, date) : undefined;
  if (epoch === undefined) return options;
  const ours = (label: string, value: string | undefined) =>
    value !== undefined && options.ownLabels.includes(label) ? { [label]: value } : {};
  return {
    ...options,
    sourceDateEpoch: epoch,
    buildArgs: { SOURCE_DATE_EPOCH: String(epoch), ...options.buildArgs },
    labels: {
      ...options.labels,
      ...ours(CREATED_LABEL, date && new Date(date.epoch * 1000).toISOString()),
      ...ours(REVISION_LABEL, date?.revision),
    },
  };
}
