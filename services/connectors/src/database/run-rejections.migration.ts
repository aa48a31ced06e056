import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * - runs.records_rejected_downstream: records of the run that a service after this one (validation, usually)
 *   dead-lettered, counted by the rejections consumer as cdp.events.rejected brings them;
 * - run_rejections: which of a run's records were counted, by messageId, so a record rejected again after a replay
 *   counts once.
 */
export class RunRejections1736000000000 implements MigrationInterface {
  name = 'RunRejections1736000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE runs ADD COLUMN records_rejected_downstream bigint NOT NULL DEFAULT 0');
    await q.query(`CREATE TABLE run_rejections (
      run_id text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
      message_id text NOT NULL,
      PRIMARY KEY (run_id, message_id))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE run_rejections');
    await q.query('ALTER TABLE runs DROP COLUMN records_rejected_downstream');
  }
}
