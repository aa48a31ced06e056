import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * One input-quality row per (source, day, consumed partition) instead of per (source, day): every slice of every
 * partition upserts its source's row for the day, and a single shared row made concurrent partitions wait on its
 * lock until the other's commit. The report sums the lanes.
 */
export class QualityCounterLanes1732310000000 implements MigrationInterface {
  name = 'QualityCounterLanes1732310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE input_quality_daily ADD COLUMN lane smallint NOT NULL DEFAULT 0');
    await queryRunner.query('ALTER TABLE input_quality_daily DROP CONSTRAINT input_quality_daily_pkey');
    await queryRunner.query('ALTER TABLE input_quality_daily ADD PRIMARY KEY (source_id, day, lane)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE input_quality_daily_folded AS
      SELECT source_id, day, ${['events_accepted', 'records_accepted', 'rejected', 'duplicates', 'flagged', 'test_items', 'emails_seen', 'emails_valid', 'phones_seen', 'phones_valid', 'transactions_seen', 'transactions_well_formed'].map((c) => `sum(${c})::bigint AS ${c}`).join(', ')}
      FROM input_quality_daily GROUP BY source_id, day`);
    await queryRunner.query('DELETE FROM input_quality_daily');
    await queryRunner.query('ALTER TABLE input_quality_daily DROP CONSTRAINT input_quality_daily_pkey');
    await queryRunner.query('ALTER TABLE input_quality_daily DROP COLUMN lane');
    await queryRunner.query('ALTER TABLE input_quality_daily ADD PRIMARY KEY (source_id, day)');
    await queryRunner.query('INSERT INTO input_quality_daily SELECT * FROM input_quality_daily_folded');
    await queryRunner.query('DROP TABLE input_quality_daily_folded');
  }
}
