import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * The item log: every resolved item as received (Avro single-object bytes), under the profile that holds it
 * now. Merges move rows; a split moves the named items to the new profile and rebuilds both profiles from
 * their logs, so an undone merge loses nothing. Append-only per item, never rewritten in place.
 */
export class ProfileItemsTable1732500000001 implements MigrationInterface {
  name = 'ProfileItemsTable1732500000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE profile_items (
        profile_id text NOT NULL,
        message_id text COLLATE "C" NOT NULL,
        occurred_at_ms bigint NOT NULL,
        payload bytea NOT NULL,
        PRIMARY KEY (profile_id, message_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS profile_items');
  }
}
