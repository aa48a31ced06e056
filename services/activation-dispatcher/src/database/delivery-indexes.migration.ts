import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * Indexes sized to what reads them (bench:activation, docs/benchmarks.md "activation dispatcher: where the time goes"):
 * - sync_members by profile, every row: the consumer loads a slice's profiles' rows (present or not) in every
 *   transaction, and the partial index (present only) could not serve that, so each slice scanned the whole table;
 * - deliveries_order_idx goes: its pending-only twin serves the claims and the suppressing UPDATE, and the profile
 *   index the rest (the delivery log, the replay's out-of-order check); a row that moves through three versions
 *   (pending, leased, finished) wrote an entry per version into it;
 * - the formed-batch index leads with the destination: the claim's "a batch formed earlier that is due" looked
 *   through every pending row of the destination (the due index) to find none, on every claim.
 */
export class DeliveryIndexes1733900000000 implements MigrationInterface {
  name = 'DeliveryIndexes1733900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS sync_members_profile_idx');
    await q.query('CREATE INDEX sync_members_profile_idx ON sync_members (profile_id)');
    await q.query('DROP INDEX IF EXISTS deliveries_order_idx');
    await q.query('DROP INDEX IF EXISTS deliveries_batch_idx');
    await q.query(
      `CREATE INDEX deliveries_batch_idx ON deliveries (destination_id, batch_id) WHERE status = 'pending' AND batch_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS deliveries_batch_idx');
    await q.query(`CREATE INDEX deliveries_batch_idx ON deliveries (batch_id) WHERE status = 'pending' AND batch_id IS NOT NULL`);
    await q.query('CREATE INDEX deliveries_order_idx ON deliveries (destination_id, profile_id, seq)');
    await q.query('DROP INDEX IF EXISTS sync_members_profile_idx');
    await q.query('CREATE INDEX sync_members_profile_idx ON sync_members (profile_id) WHERE present');
  }
}
