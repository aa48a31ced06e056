import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * Items a split moved that the merger had not received yet. Items and splits come on different topics, so a
 * split can be applied before an item it names; such an item is sent to the new profile when it arrives.
 */
export class SplitPendingMoves1732600000002 implements MigrationInterface {
  name = 'SplitPendingMoves1732600000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE split_pending_moves (
        message_id text COLLATE "C" PRIMARY KEY,
        to_profile_id text NOT NULL,
        change_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS split_pending_moves');
  }
}
