import { CrossbakeError } from '../core/errors';

/**
 * A registry lookup that could not be answered: refused (401 after authenticating, 403), failed (5xx), out
 * of reach, too slow, or answered with bytes that are not what was asked for. "Not there" is no error: the
 * lookup returns undefined. The message names the registry and what happened, and never carries a
 * credential or a token.
 */
export class RegistryError extends CrossbakeError {
  constructor(
    /** The registry as the lookup named it (`docker.io`, `127.0.0.1:5000`), or the mirror's host. */
    readonly registry: string,
    message: string,
    /** The HTTP status, when the registry answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}
