import { lockWriterLane } from '../outbox-lane';
import { writeOutbox, type OutboxEntry } from '../outbox-writer';
import { inTransaction, type SqlExecutor, type SqlPool } from '../sql-client';

/** One transaction that writes the entries as writer lane `lane`. */
export function writeOutboxAs(pool: SqlPool, entries: readonly OutboxEntry[], lane = 'test'): Promise<void> {
  return inTransaction(pool, (tx) => writeLane(tx, entries, lane));
}

/** Locks writer lane `lane` in the caller's transaction and writes the entries. */
export async function writeLane(tx: SqlExecutor, entries: readonly OutboxEntry[], lane = 'test'): Promise<void> {
  await writeOutbox(tx, await lockWriterLane(tx, lane), entries);
}
