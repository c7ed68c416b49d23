import { CREATED_LABEL } from './normalize';
import type { ServiceOptions } from './service-options';

/**
 * The options of a task with its source date applied: the `SOURCE_DATE_EPOCH` build arg (BuildKit reads it
 * for timestamps; a build-arg the user set wins) and, when the label is ours, `org.opencontainers.image.created`.
 * Without a date (not reproducible, or git knew none) the options stay as they are.
 */
export function withSourceDate(options: ServiceOptions, epoch: number | undefined): ServiceOptions {
  if (!options.reproducible || epoch === undefined) return options;
  return {
    ...options,
    sourceDateEpoch: epoch,
    buildArgs: { SOURCE_DATE_EPOCH: String(epoch), ...options.buildArgs },
    labels: options.ownsCreatedLabel ? { ...options.labels, [CREATED_LABEL]: new Date(epoch * 1000).toISOString() } : options.labels,
  };
}
