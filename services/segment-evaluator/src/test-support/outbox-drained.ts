import { KafkaTables } from '@tessera/kafka';
import { eventually } from '@tessera/testing';
import type { Pool } from 'pg';

/**
 * Waits until the service's outbox is empty: every message a committed transaction staged has been published.
 * Tests count the messages they collected after this, so a message still staged cannot pass for a missing one.
 */
export async function outboxDrained(pool: Pool, timeoutMs = 60_000): Promise<void> {
  await eventually(
    async () => {
      const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${KafkaTables.outboxBatches}`);
      return rows[0].n === 0 ? true : undefined;
    },
    timeoutMs,
    'outbox drained',
  );
}
