import { isTransientError } from '@tessera/kafka';

/** What a client is told to wait after a 503 caused by a dependency outage. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

/**
 * A handler failed because the database (or the broker) does not answer, not because of the request or a bug:
 * connection refused or lost, server shutting down, too many connections, serialization or deadlock. The caller
 * should retry, so it is a 503 with Retry-After rather than a 500.
 */
export function isDependencyOutage(exception: unknown): boolean {
  return isTransientError(exception);
}
