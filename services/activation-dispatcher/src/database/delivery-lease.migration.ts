import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * What the delivery worker needs beyond the activation tables:
 * - a lease on claimed rows (lease_until, lease_token): a claim commits before the send, so a worker killed mid-send
 *   leaves rows that become claimable again when the lease runs out, and a stale worker's late outcome is fenced off
 *   by the token;
 * - replay bookkeeping (replayed_at, attempts_at_replay): a replayed delivery gets a fresh attempt and age budget
 *   while its attempt numbers (and so its delivery_attempts history) keep counting up;
 * - destination_delivery_state: the last error and last success per destination, written with each outcome, so the
 *   status API answers the same on every replica.
 */
export class DeliveryLease1733700000000 implements MigrationInterface {
  name = 'DeliveryLease1733700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE deliveries
        ADD COLUMN lease_until timestamptz NULL,
        ADD COLUMN lease_token text NULL,
        ADD COLUMN replayed_at timestamptz NULL,
        ADD COLUMN attempts_at_replay integer NOT NULL DEFAULT 0`);
    // the claim looks for the head (lowest seq) pending row of each (destination, profile)
    await q.query(`CREATE INDEX deliveries_pending_order_idx ON deliveries (destination_id, profile_id, seq) WHERE status = 'pending'`);
    // the oldest unbatched pending rows of a destination, where a new batch starts looking
    await q.query(
      `CREATE INDEX deliveries_unbatched_idx ON deliveries (destination_id, seq) WHERE status = 'pending' AND batch_id IS NULL`,
    );
    await q.query(`CREATE INDEX deliveries_batch_idx ON deliveries (batch_id) WHERE status = 'pending' AND batch_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE destination_delivery_state (
        destination_id text COLLATE "C" PRIMARY KEY,
        last_error text NULL,
        last_error_kind text NULL,
        last_error_status integer NULL,
        last_error_at timestamptz NULL,
        last_success_at timestamptz NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS destination_delivery_state');
    await q.query('DROP INDEX IF EXISTS deliveries_batch_idx');
    await q.query('DROP INDEX IF EXISTS deliveries_unbatched_idx');
    await q.query('DROP INDEX IF EXISTS deliveries_pending_order_idx');
    await q.query(
      'ALTER TABLE deliveries DROP COLUMN lease_until, DROP COLUMN lease_token, DROP COLUMN replayed_at, DROP COLUMN attempts_at_replay',
    );
  }
}
