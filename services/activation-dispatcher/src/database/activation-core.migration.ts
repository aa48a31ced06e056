import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * What the upstream half of the dispatcher needs beyond the shared tables:
 * - profiles.computed: the latest computed traits and predictions (cdp.profiles.computed), for field mappings;
 * - destinations.batch_size: how many items the worker sends per call (capped by the adapter's own maximum);
 * - syncs.last_mirrored_at: when the mirror scheduler last ran a sync's diff;
 * - deliveries by sync, for the delivery log's filter.
 */
export class ActivationCore1733600000000 implements MigrationInterface {
  name = 'ActivationCore1733600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE profiles ADD COLUMN computed jsonb NOT NULL DEFAULT '{}'`);
    await q.query('ALTER TABLE destinations ADD COLUMN batch_size integer NOT NULL DEFAULT 100');
    await q.query('ALTER TABLE syncs ADD COLUMN last_mirrored_at timestamptz NULL');
    await q.query('CREATE INDEX deliveries_sync_idx ON deliveries (sync_id, seq)');
    await q.query('CREATE INDEX sync_members_profile_idx ON sync_members (profile_id) WHERE present');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS sync_members_profile_idx');
    await q.query('DROP INDEX IF EXISTS deliveries_sync_idx');
    await q.query('ALTER TABLE syncs DROP COLUMN IF EXISTS last_mirrored_at');
    await q.query('ALTER TABLE destinations DROP COLUMN IF EXISTS batch_size');
    await q.query('ALTER TABLE profiles DROP COLUMN IF EXISTS computed');
  }
}
