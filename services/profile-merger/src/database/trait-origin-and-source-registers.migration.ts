import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * Record attributes get one survivorship register per source (mode `source:<sourceId>`), so a record's null can
 * retract its source's value and the field falls back to the next source; and every register keeps the connector
 * origin (connection, run, stream, row key) of the record that set it, for the profile API's provenance.
 * Registers written before stay as they are: record values already stored in `set` are not split by source.
 */
export class TraitOriginAndSourceRegisters1733800000100 implements MigrationInterface {
  name = 'TraitOriginAndSourceRegisters1733800000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE profile_traits ADD COLUMN origin jsonb NULL');
    await queryRunner.query('ALTER TABLE profile_traits DROP CONSTRAINT IF EXISTS profile_traits_mode_check');
    await queryRunner.query(
      `ALTER TABLE profile_traits ADD CONSTRAINT profile_traits_mode_check CHECK (mode IN ('set', 'once') OR mode LIKE 'source:%')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM profile_traits WHERE mode LIKE 'source:%'`);
    await queryRunner.query('ALTER TABLE profile_traits DROP CONSTRAINT profile_traits_mode_check');
    await queryRunner.query(`ALTER TABLE profile_traits ADD CONSTRAINT profile_traits_mode_check CHECK (mode IN ('set', 'once'))`);
    await queryRunner.query('ALTER TABLE profile_traits DROP COLUMN origin');
  }
}
