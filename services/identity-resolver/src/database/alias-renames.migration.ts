import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * The merge log also records aliases that renamed a known user_id (kind 'alias': survivor = absorbed = the
 * renamed profile), so "why does this profile answer to both ids" has an answer; and the renamed id's type
 * gets the rule of a user_id's importance (a late event of the old id is still that user's).
 */
export class AliasRenames1732800000300 implements MigrationInterface {
  name = 'AliasRenames1732800000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE merge_log DROP CONSTRAINT merge_log_kind_check');
    await queryRunner.query("ALTER TABLE merge_log ADD CONSTRAINT merge_log_kind_check CHECK (kind IN ('merge', 'split', 'alias'))");
    await queryRunner.query(
      "INSERT INTO identity_rules (identifier_type, priority, max_per_profile) VALUES ('previous_user_id', 1, NULL) ON CONFLICT DO NOTHING",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DELETE FROM identity_rules WHERE identifier_type = 'previous_user_id'");
    await queryRunner.query("DELETE FROM merge_log WHERE kind = 'alias'");
    await queryRunner.query('ALTER TABLE merge_log DROP CONSTRAINT merge_log_kind_check');
    await queryRunner.query("ALTER TABLE merge_log ADD CONSTRAINT merge_log_kind_check CHECK (kind IN ('merge', 'split'))");
  }
}
