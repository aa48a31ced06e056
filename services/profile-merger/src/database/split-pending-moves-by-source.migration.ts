import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * A split names its items by (source_id, message_id) since cdp.identity.merges v2, so an item it moved before
 * the merger received it is remembered by that pair: another source's item reusing the messageId no longer
 * follows the split. Rows remembered from v1 splits (and v1 splits still in the topic) keep source_id '', which
 * matches the message id from any source, as before.
 */
export class SplitPendingMovesBySource1733500000100 implements MigrationInterface {
  name = 'SplitPendingMovesBySource1733500000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE split_pending_moves ADD COLUMN source_id text COLLATE "C" NOT NULL DEFAULT ''`);
    await queryRunner.query('ALTER TABLE split_pending_moves ALTER COLUMN source_id DROP DEFAULT');
    await queryRunner.query(
      'ALTER TABLE split_pending_moves DROP CONSTRAINT split_pending_moves_pkey, ADD PRIMARY KEY (source_id, message_id)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'DELETE FROM split_pending_moves a USING split_pending_moves b WHERE a.message_id = b.message_id AND a.source_id > b.source_id',
    );
    await queryRunner.query('ALTER TABLE split_pending_moves DROP CONSTRAINT split_pending_moves_pkey, ADD PRIMARY KEY (message_id)');
    await queryRunner.query('ALTER TABLE split_pending_moves DROP COLUMN source_id');
  }
}
