import type { PoolClient } from 'pg';
import { timeAfter, useScenarioPipeline } from './scenario-suite.spec-helper';

/**
 * A writing transaction left open in Postgres (an analytics job, a stuck session, here in the gateway's schema)
 * must not hold back the other services' outboxes: events sent while it stays open reach their profiles through
 * validation, the identity resolver and the profile merger, each of which publishes through its outbox.
 */

const at = timeAfter(Date.UTC(2026, 4, 1));
/** Generous for three hops on a loaded machine; with the rows held back until the transaction ends, never. */
const WAVE_MS = 20_000;

describe('a long transaction elsewhere in Postgres, on the whole running pipeline', () => {
  const { client, send, schema } = useScenarioPipeline();

  it('events sent while it stays open reach their profiles, wave after wave', async () => {
    const pool = schema('ingest-gateway').pool;
    await pool.query('CREATE TABLE IF NOT EXISTS scenario_busy (n integer)');
    let open: PoolClient | undefined = await pool.connect();
    try {
      await open.query('BEGIN');
      await open.query('INSERT INTO scenario_busy VALUES (1)');
      const { rows } = await open.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      for (const wave of [1, 2, 3]) {
        const users = Array.from({ length: 5 }, (_, i) => `long-tx-${wave}-${i}`);
        const sentAt = Date.now();
        await send('batch', { batch: users.map((userId, i) => ({ type: 'identify', userId, traits: { wave }, timestamp: at(wave * 10 + i), messageId: `${userId}-identify` })) });
        for (const userId of users) await client.waitForProfile('user_id', userId, (p) => p.summary.itemCount === 1, WAVE_MS - (Date.now() - sentAt));
      }
      const { rows: still } = await pool.query<{ xid: string | null; state: string }>('SELECT backend_xid::text AS xid, state FROM pg_stat_activity WHERE pid = $1', [rows[0].pid]);
      expect(still[0]).toMatchObject({ state: 'idle in transaction', xid: expect.stringMatching(/^\d+$/) });
      await open.query('ROLLBACK');
      open.release();
      open = undefined;
    } finally {
      if (open) {
        await open.query('ROLLBACK').catch(() => undefined);
        open.release();
      }
    }
  }, 120_000);
});
