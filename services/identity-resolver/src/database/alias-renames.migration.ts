import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * The merge log also records aliases that renamed a known user_id (kind 'alias': survivor = absorbed = the
 * renamed profile), so "why does this profile answer to both ids" has an answer.
 */
export class AliasRenames1732800000300 implements MigrationInterface {
  name = 'AliasRenames1732800000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE merge_log DROP CONSTRAINT merge_log_kind_check');
    await queryRunner.query("ALTER TABLE merge_log ADD CONSTRAINT merge_log_kind_check CHECK (kind IN ('merge', 'split', 'alias'))");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DELETE FROM merge_log WHERE kind = 'alias'");
    await queryRunner.query('ALTER TABLE merge_log DROP CONSTRAINT merge_log_kind_check');
    await queryRunner.query("ALTER TABLE merge_log ADD CONSTRAINT merge_log_kind_check CHECK (kind IN ('merge', 'split'))");
  }
}
