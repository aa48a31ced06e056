import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * deliveries.withdrawn_reason: a pending add or upsert that lost its permission (consent withdrawn, suppression, test
 * profile, merge) while a worker held it under a live lease. It may already be at the destination, so it is not
 * suppressed under the worker's feet: its send finishes (and the remove planned behind it goes out after it), but
 * if that send does not deliver, the row becomes `suppressed` with this reason instead of being retried.
 */
export class DeliveryWithdrawal1733800000000 implements MigrationInterface {
  name = 'DeliveryWithdrawal1733800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE deliveries ADD COLUMN withdrawn_reason text NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE deliveries DROP COLUMN IF EXISTS withdrawn_reason');
  }
}
