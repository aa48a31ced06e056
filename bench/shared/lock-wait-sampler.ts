import { Client } from 'pg';
import { fmt } from './bench-report';

export interface LockWaitSampler {
  /** Stops sampling and returns the report lines: total backend-seconds waiting on a lock, then the top statements. */
  stop(): Promise<string>;
}

/**
 * Samples pg_stat_activity every `everyMs` for backends waiting on a heavyweight lock (row locks show as
 * `transactionid` or `tuple`), and counts each waiting backend as `everyMs` of waiting. pg_stat_statements' time
 * of a locking statement mixes its waits with its work; this separates them, and names the statement that waited.
 */
export async function sampleLockWaits(databaseUrl: string, everyMs = 50): Promise<LockWaitSampler> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const waited = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  const commits = async () =>
    Number((await db.query<{ n: string }>('SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()')).rows[0].n);
  const commitsBefore = await commits();
  const loop = (async () => {
    while (!stopped) {
      const { rows } = await db.query<{ what: string }>(
        `SELECT wait_event || '  ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS what
           FROM pg_stat_activity WHERE wait_event_type = 'Lock'`,
      );
      samples += 1;
      for (const { what } of rows) waited.set(what, (waited.get(what) ?? 0) + everyMs / 1000);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      // Backends flush their transaction counts to the statistics about once a second.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await db.query('SELECT pg_stat_clear_snapshot()');
      // Less this sampler's own queries, one autocommitted transaction each.
      const committed = (await commits()) - commitsBefore - samples;
      await db.end();
      const total = [...waited.values()].reduce((a, b) => a + b, 0);
      const top = [...waited].sort((a, b) => b[1] - a[1]).slice(0, 5);
      return [
        '',
        `lock waits (pg_stat_activity every ${everyMs} ms, ${fmt(samples)} samples): ${total.toFixed(1)} backend-seconds; ` +
          `${fmt(committed)} other transactions committed meanwhile (group transactions, relay polls, ...)`,
        ...top.map(([what, seconds]) => `${seconds.toFixed(1).padStart(7)} s  ${what}`),
        '',
      ].join('\n');
    },
  };
}
