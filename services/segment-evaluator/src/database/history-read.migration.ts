import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * The whole-history read (predictions recompute from every event of a profile) as a function with seq scans off
 * inside it. The consumers run statements as named prepared statements, and a connection's generic plan is kept
 * until the table's statistics change: made while profile_events was analyzed near empty, it scans the whole table
 * and tests every row against every id, however large the table has grown since. The function's body is planned
 * on each call, with its own setting, so it probes the (profile_id, at_ms) index whatever the statistics say.
 */
export class HistoryRead1733800000000 implements MigrationInterface {
  name = 'HistoryRead1733800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION profile_histories(text[])
        RETURNS TABLE (profile_id text, name text, at_ms bigint, properties jsonb, order_key text, message_id text, source_id text)
        LANGUAGE sql STABLE SET enable_seqscan = off
        AS 'SELECT e.profile_id, e.name, e.at_ms, e.properties, e.order_key, e.message_id, e.source_id
              FROM profile_events e WHERE e.profile_id = ANY($1)'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION profile_histories(text[])');
  }
}
