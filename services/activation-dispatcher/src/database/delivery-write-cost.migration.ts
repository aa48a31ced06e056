import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * Fewer index entries per delivery. A delivery row is written three times (insert, lease, outcome), and the lease
 * and the outcome are not HOT (they change `batch_id` and `status`, which the queue's partial indexes name), so
 * each version writes an entry into every index whose predicate it matches:
 * - deliveries_due_idx goes: only the poll's "has due work" read it, and that EXISTS stops at the first due row of
 *   the pending-order, unbatched or batch index (new rows are due when inserted);
 * - deliveries_sync_idx keeps the rows the mirror reads by sync (pending, failed, dead) and no longer the delivered
 *   ones, the bulk of the table; the delivery log filtered by sync reads the table as its other filters do;
 * - delivery_attempts leaves a fifth of each page free: an attempt row is inserted `in_flight` at the lease and
 *   finished by the outcome, and with room on its page that UPDATE is HOT (the table's one index is untouched).
 */
export class DeliveryWriteCost1734100000000 implements MigrationInterface {
  name = 'DeliveryWriteCost1734100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS deliveries_due_idx');
    await q.query('DROP INDEX IF EXISTS deliveries_sync_idx');
    await q.query(`CREATE INDEX deliveries_sync_idx ON deliveries (sync_id, seq) WHERE status IN ('pending', 'failed', 'dead')`);
    await q.query('ALTER TABLE delivery_attempts SET (fillfactor = 80)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE delivery_attempts RESET (fillfactor)');
    await q.query('DROP INDEX IF EXISTS deliveries_sync_idx');
    await q.query('CREATE INDEX deliveries_sync_idx ON deliveries (sync_id, seq)');
    await q.query(`CREATE INDEX deliveries_due_idx ON deliveries (destination_id, next_attempt_at) WHERE status = 'pending'`);
  }
}
