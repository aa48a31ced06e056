import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * The connector origin of a rejected record (cdp.records.raw / .valid v2), so a connection's rejections are found
 * with their run and source row. Older rejections have none (records before v2 carried no origin).
 */
export class RejectionOrigin1733800000000 implements MigrationInterface {
  name = 'RejectionOrigin1733800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE rejections ADD COLUMN connection_id text NULL, ADD COLUMN run_id text NULL, ADD COLUMN origin jsonb NULL',
    );
    await queryRunner.query(
      'CREATE INDEX rejections_connection_time_idx ON rejections (connection_id, run_id, rejected_at DESC, rejection_id) WHERE connection_id IS NOT NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX rejections_connection_time_idx');
    await queryRunner.query('ALTER TABLE rejections DROP COLUMN connection_id, DROP COLUMN run_id, DROP COLUMN origin');
  }
}
