import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * Each profile's computed traits and predictions (the flat `computed.<key>` / `prediction.<name>` map), kept so a
 * recomputation announces only what changed and segments can read them. Their next change with no new input is a
 * due timer like a segment's (`due_timers` with segment id `$computed`), so the scheduler fires both.
 */
export class ComputedValueTables1733500000100 implements MigrationInterface {
  name = 'ComputedValueTables1733500000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE profile_computed_values (
        profile_id text COLLATE "C" PRIMARY KEY,
        vals jsonb NOT NULL,
        computed_at_ms bigint NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE profile_computed_values');
  }
}
