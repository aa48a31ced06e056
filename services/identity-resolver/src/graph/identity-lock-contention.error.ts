/**
 * Thrown when a profile that a concurrent merge just made relevant is locked by another transaction. It carries
 * SQLSTATE 40001 (serialization_failure), so the exactly-once processor rolls the slice back and retries it
 * with backoff instead of dead-lettering: waiting out of the sorted lock order could deadlock, retrying cannot.
 */
export class IdentityLockContentionError extends Error {
  readonly code = '40001';

  constructor(profileIds: readonly string[]) {
    super(`profiles ${profileIds.join(', ')} are locked by a concurrent resolution; retrying the slice`);
    this.name = 'IdentityLockContentionError';
  }
}
