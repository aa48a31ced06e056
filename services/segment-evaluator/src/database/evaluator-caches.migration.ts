import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * What lets a slice skip repeated work:
 * - `definitions_epoch`: one row, bumped by a statement trigger in the same transaction as every write to
 *   segment_definitions or computed_trait_definitions (API edits, deletes, anything else). Every replica caches the
 *   parsed definitions keyed on it and re-reads them only when it moved, so an edit through any replica is seen by
 *   the next slice of every replica.
 * - `profiles.due_at_ms`: one due time per profile, the earliest instant any of its decisions or computed values
 *   could change with no new input, instead of one `due_timers` row per (profile, segment). It lives on the row
 *   every decision locks, so the lock returns it fresh (a locking read returns the latest version of the row) and a
 *   profile change writes it in the statement that stores the values.
 */
export class EvaluatorCaches1733600000100 implements MigrationInterface {
  name = 'EvaluatorCaches1733600000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE definitions_epoch (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton), epoch bigint NOT NULL)');
    await q.query('INSERT INTO definitions_epoch (epoch) VALUES (1)');
    // search_path FROM CURRENT: the trigger finds this schema's table whatever the writer's search_path
    await q.query(`
      CREATE FUNCTION bump_definitions_epoch() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        UPDATE definitions_epoch SET epoch = epoch + 1;
        RETURN NULL;
      END $$`);
    for (const table of ['segment_definitions', 'computed_trait_definitions']) {
      await q.query(
        `CREATE TRIGGER ${table}_epoch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION bump_definitions_epoch()`,
      );
    }

    await q.query('ALTER TABLE profiles ADD COLUMN due_at_ms bigint NULL');
    await q.query(
      'UPDATE profiles p SET due_at_ms = t.due FROM (SELECT profile_id, min(due_at_ms) AS due FROM due_timers GROUP BY profile_id) t WHERE p.profile_id = t.profile_id',
    );
    await q.query('CREATE INDEX profiles_due_idx ON profiles (due_at_ms) WHERE due_at_ms IS NOT NULL');
    await q.query('DROP TABLE due_timers');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE due_timers (
        profile_id text COLLATE "C" NOT NULL,
        segment_id text COLLATE "C" NOT NULL,
        due_at_ms bigint NOT NULL,
        PRIMARY KEY (profile_id, segment_id)
      )`);
    await q.query('CREATE INDEX due_timers_due_idx ON due_timers (due_at_ms)');
    // the per-segment times are not kept any more: the earliest becomes the computed values' timer, which fires a
    // recomputation (and the segments reading a changed value); other segments are re-decided at their next input
    await q.query(
      "INSERT INTO due_timers (profile_id, segment_id, due_at_ms) SELECT profile_id, '$computed', due_at_ms FROM profiles WHERE due_at_ms IS NOT NULL",
    );
    await q.query('DROP INDEX profiles_due_idx');
    await q.query('ALTER TABLE profiles DROP COLUMN due_at_ms');
    for (const table of ['segment_definitions', 'computed_trait_definitions']) await q.query(`DROP TRIGGER ${table}_epoch ON ${table}`);
    await q.query('DROP FUNCTION bump_definitions_epoch()');
    await q.query('DROP TABLE definitions_epoch');
  }
}
