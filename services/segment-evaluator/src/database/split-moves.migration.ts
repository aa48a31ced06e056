import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * Splits: the items a split (cdp.identity.merges, kind split) gave to the split-off profile, by (source, message id)
 * as the contract names them (`''` for a v1 split, which names message ids only), kept so that an item arriving
 * later (or again) still keyed to the survivor goes to its profile. And each stored event's source, so a split moves
 * exactly the (source, message) it names; rows stored before this migration have source `''` and match by message.
 */
export class SplitMoves1733600000000 implements MigrationInterface {
  name = 'SplitMoves1733600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE profile_events ADD COLUMN source_id text COLLATE "C" NOT NULL DEFAULT \'\'');
    await q.query(`
      CREATE TABLE split_moved_items (
        message_id text COLLATE "C" NOT NULL,
        source_id text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        PRIMARY KEY (message_id, source_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE split_moved_items');
    await q.query('ALTER TABLE profile_events DROP COLUMN source_id');
  }
}
