import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * The timeline is read from the item log (newest first, by index) instead of a separate table that every item
 * inserted into and every slice trimmed with a window query: one table write per item less, and no trim.
 */
export class TimelineFromItemLog1732500000003 implements MigrationInterface {
  name = 'TimelineFromItemLog1732500000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX profile_items_timeline_idx ON profile_items (profile_id, occurred_at_ms DESC, message_id DESC)');
    await queryRunner.query('DROP TABLE profile_recent_events');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE profile_recent_events (
        profile_id text NOT NULL,
        occurred_at_ms bigint NOT NULL,
        message_id text COLLATE "C" NOT NULL,
        kind text NOT NULL,
        event_type text,
        event_name text,
        source_id text NOT NULL,
        properties jsonb,
        PRIMARY KEY (profile_id, occurred_at_ms, message_id)
      )`);
    await queryRunner.query('DROP INDEX profile_items_timeline_idx');
  }
}
