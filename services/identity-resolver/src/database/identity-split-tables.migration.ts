import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * What a manual split needs: which identifiers each resolved item linked (to know the events an identifier
 * brought) and the profile pairs a split separated (they never merge again).
 */
export class IdentitySplitTables1732400000001 implements MigrationInterface {
  name = 'IdentitySplitTables1732400000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE resolved_items (
        source_id text NOT NULL,
        message_id text NOT NULL,
        kind text NOT NULL,
        identifier_keys jsonb NOT NULL,
        resolved_at timestamptz NOT NULL,
        PRIMARY KEY (source_id, message_id)
      )`);
    // A split finds the items that carried any of the moved identifiers: jsonb ?| over a GIN index.
    await queryRunner.query('CREATE INDEX resolved_items_identifier_keys_idx ON resolved_items USING gin (identifier_keys)');
    await queryRunner.query('CREATE INDEX resolved_items_resolved_at_idx ON resolved_items (resolved_at)');
    // Rows are keyed (and only ever re-keyed) by the profile whose lock the writer holds; the other side is
    // resolved to its live id at read time through profiles.merged_into.
    await queryRunner.query(`
      CREATE TABLE profile_separations (
        profile_id uuid NOT NULL,
        other_profile_id uuid NOT NULL,
        PRIMARY KEY (profile_id, other_profile_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS profile_separations');
    await queryRunner.query('DROP TABLE IF EXISTS resolved_items');
  }
}
