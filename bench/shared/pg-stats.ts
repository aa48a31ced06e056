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

/** WAL written and checkpoints taken so far (Postgres 17's pg_stat_wal and pg_stat_checkpointer), server-wide. */
export interface WalCounters {
  walBytes: number;
  fullPageImages: number;
  checkpoints: number;
  requestedCheckpoints: number;
}

export function walCounters(databaseUrl: string): Promise<WalCounters> {
  return withClient(databaseUrl, async (db) => {
    const { rows } = await db.query<{ wal_bytes: string; wal_fpi: string; timed: string; requested: string }>(
      `SELECT w.wal_bytes, w.wal_fpi, c.num_timed AS timed, c.num_requested AS requested FROM pg_stat_wal w, pg_stat_checkpointer c`,
    );
    const r = rows[0];
    return {
      walBytes: Number(r.wal_bytes),
      fullPageImages: Number(r.wal_fpi),
      checkpoints: Number(r.timed) + Number(r.requested),
      requestedCheckpoints: Number(r.requested),
    };
  });
}

/** What was written between two readings, per unit (bytes of WAL per row, …) and the checkpoints in between. */
export function walLine(before: WalCounters, after: WalCounters, units: number, unit: string): string {
  return (
    `WAL ${fmt((after.walBytes - before.walBytes) / units)} bytes/${unit} (${fmt((after.walBytes - before.walBytes) / 1_048_576)} MiB, ` +
    `${fmt(after.fullPageImages - before.fullPageImages)} full-page images), ` +
    `${after.checkpoints - before.checkpoints} checkpoint(s), ${after.requestedCheckpoints - before.requestedCheckpoints} requested by WAL volume`
  );
}
