import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * Per-source commerce settings: which track events are orders (null: Segment's "Order Completed") and the
 * currency of orders that carry none (null: such orders are flagged, never assumed).
 */
export class SourceOrderSettings1733400000000 implements MigrationInterface {
  name = 'SourceOrderSettings1733400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE source_settings ADD COLUMN order_events jsonb NULL, ADD COLUMN default_currency text NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE source_settings DROP COLUMN IF EXISTS order_events, DROP COLUMN IF EXISTS default_currency');
  }
}
