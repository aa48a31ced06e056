import type { Pool, PoolClient } from 'pg';

/**
 * A writing transaction left open on a pool's database, as an analytics job or a stuck session would leave one: it
 * holds a transaction id (and so the cluster's snapshot horizon) until it is rolled back.
 */
export class OpenWritingTransaction {
  private client: PoolClient | undefined;

  private constructor(
    client: PoolClient,
    private readonly pid: number,
  ) {
    this.client = client;
  }

  /** BEGIN and an insert into `table` (created if missing, in the pool's schema), left open. */
  static async begin(pool: Pool, table: string): Promise<OpenWritingTransaction> {
    await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (n integer)`);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO ${table} VALUES (1)`);
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      return new OpenWritingTransaction(client, rows[0].pid);
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
  }

  /** Seen from another session: still idle in its transaction, holding its transaction id. */
  async stillOpen(observer: Pool): Promise<boolean> {
    const { rows } = await observer.query<{ xid: string | null; state: string }>(
      'SELECT backend_xid::text AS xid, state FROM pg_stat_activity WHERE pid = $1',
      [this.pid],
    );
    return rows[0]?.state === 'idle in transaction' && /^\d+$/.test(rows[0].xid ?? '');
  }

  async rollback(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}
