import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

const COLUMNS = ['blocked_identifiers_removed', 'future_timestamps_replaced', 'texts_repaired'];

/** Counters of what validation repaired instead of rejecting, for the input-validation report. */
export class QualityRepairCounters1733400000100 implements MigrationInterface {
  name = 'QualityRepairCounters1733400000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const column of COLUMNS) await queryRunner.query(`ALTER TABLE input_quality_daily ADD COLUMN ${column} bigint NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of COLUMNS) await queryRunner.query(`ALTER TABLE input_quality_daily DROP COLUMN ${column}`);
  }
}
