import { Client } from 'pg';
import { fmt } from './bench-report';

/** Server settings (BenchRigOptions.pgSettings) that make pg_stat_statements count every statement. */
export const PG_STATS_SETTINGS = ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track=all'];

async function withClient<T>(databaseUrl: string, body: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return await body(db);
  } finally {
    await db.end();
  }
}

/** Creates the extension if needed and zeroes its counters: call where the measured phase starts. */
export function resetPgStats(databaseUrl: string): Promise<void> {
  return withClient(databaseUrl, async (db) => {
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await db.query('SELECT pg_stat_statements_reset()');
  });
}

/** The `limit` statements with the most execution time (pg_stat_statements), for finding hot spots. */
export function topStatements(databaseUrl: string, limit = 15): Promise<string> {
  return withClient(databaseUrl, async (db) => {
    const { rows } = await db.query<{ ms: number; calls: string; row_count: string; query: string }>(
      `SELECT total_exec_time AS ms, calls, rows AS row_count, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT $1`,
      [limit],
    );
    return [
      '',
      'top statements by execution time (pg_stat_statements):',
      ...rows.map(
        (r) =>
          `${fmt(r.ms).padStart(8)} ms ${fmt(Number(r.calls)).padStart(8)} calls ${fmt(Number(r.row_count)).padStart(9)} rows  ${r.query}`,
      ),
      '',
    ].join('\n');
  });
}
