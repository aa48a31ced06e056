import type { Pool, PoolClient } from 'pg';
import { DeliveryHarness } from '../test-support/delivery-harness';
import { DeliveryClaimRepository } from './delivery-claim.repository';

/** The pool, with every statement its clients run recorded (text and values), to count round trips and explain them. */
function recording(pool: Pool): { pool: Pool; statements: Array<{ text: string; values?: unknown[] }> } {
  const statements: Array<{ text: string; values?: unknown[] }> = [];
  const connect = async (): Promise<PoolClient> => {
    const client = await pool.connect();
    return new Proxy(client, {
      get(target, key, receiver) {
        if (key !== 'query') return Reflect.get(target, key, receiver);
        return (text: string, values?: unknown[]) => {
          statements.push({ text, values });
          return target.query(text, values);
        };
      },
    });
  };
  return { pool: { connect } as unknown as Pool, statements };
}

/**
 * What a claim costs Postgres: its round trips, and plans that read the batch's rows by key on a backlog of some
 * thousands (docs/benchmarks.md: the claim was 9 round trips, and its formed-batch lookup walked every pending row).
 */
describe('delivery claim cost (embedded Postgres)', () => {
  const h = new DeliveryHarness();

  beforeAll(async () => {
    // no poll during the test: the claims below are the only ones
    await h.start('act_claim_cost', { pollMs: 600_000 });
    await h.destination('cost', { url: 'http://127.0.0.1:9/unused', batchSize: 100 });
    await h.enqueue(
      'cost',
      Array.from({ length: 5_000 }, (_, i) => ({ profileId: `p${i}` })),
    );
    await h.schema.pool.query('ANALYZE deliveries');
  }, 120_000);

  afterAll(() => h.stop());

  it('claims a new batch in one transaction of five statements, and says whether more is due', async () => {
    const { pool, statements } = recording(h.schema.pool);
    const claims = new DeliveryClaimRepository(pool);
    const batch = await claims.claim('cost', 100, Date.now(), 60_000);
    expect(batch?.items).toHaveLength(100);
    expect(batch?.more).toBe(true);
    // BEGIN, the lock with the formed-batch lookup, the heads, the lease with its attempt rows, COMMIT
    expect(statements.map((s) => s.text.trim().split(/\s+/)[0])).toEqual(['BEGIN', 'SELECT', 'SELECT', 'WITH', 'COMMIT']);
    const { rows } = await h.schema.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM delivery_attempts WHERE batch_id = $1 AND outcome = 'in_flight'`,
      [batch!.batchId],
    );
    expect(rows[0].n).toBe(100);
  });

  it('looks for a formed batch through the batch index, not through every pending row of the destination', async () => {
    const { pool, statements } = recording(h.schema.pool);
    await new DeliveryClaimRepository(pool).claim('cost', 100, Date.now(), 60_000);
    const lookup = statements[1];
    const plan = await h.schema.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${lookup.text}`, lookup.values);
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toContain('deliveries_batch_idx');
    expect(text).not.toContain('deliveries_due_idx');
    expect(text).not.toContain('deliveries_pending_order_idx');
  });

  it('claims the last short batch with more = false', async () => {
    const claims = new DeliveryClaimRepository(h.schema.pool);
    let last = await claims.claim('cost', 1_000, Date.now(), 60_000);
    while (last?.more) last = await claims.claim('cost', 1_000, Date.now(), 60_000);
    expect(last?.more).toBe(false);
    expect(await claims.claim('cost', 1_000, Date.now(), 60_000)).toBeNull();
  });

  it("finds a slice's sync_members rows by profile through an index, present or not", async () => {
    await h.schema.pool.query(
      `INSERT INTO sync_members (sync_id, profile_id, present)
       SELECT 'sync-' || (i % 3), 'p' || i, i % 2 = 0 FROM generate_series(1, 20000) AS i`,
    );
    await h.schema.pool.query('ANALYZE sync_members');
    const plan = await h.schema.pool.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT sync_id, profile_id, present FROM sync_members WHERE profile_id = ANY($1::text[])`,
      [['p1', 'p2', 'p3']],
    );
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toContain('sync_members_profile_idx');
    expect(text).not.toContain('Seq Scan');
  });

  it("reads a sync's pending, failed and dead rows for a mirror through an index that skips delivered rows", async () => {
    await h.schema.pool.query(
      `INSERT INTO deliveries (delivery_id, destination_id, sync_id, profile_id, action, payload, status)
       SELECT 'm' || i, 'cost', 'mirror-sync', 'm' || i, 'add', '{}', CASE WHEN i % 1000 = 0 THEN 'dead' WHEN i % 1000 = 1 THEN 'pending' ELSE 'delivered' END
         FROM generate_series(1, 20000) AS i`,
    );
    await h.schema.pool.query('ANALYZE deliveries');
    // mirror.service.ts: the pending rows applied on top of the last sent state, and the sends that did not land
    for (const sql of [
      `SELECT seq, profile_id, action FROM deliveries WHERE sync_id = $1 AND status = 'pending' ORDER BY seq`,
      `SELECT f.profile_id, f.action FROM deliveries f WHERE f.sync_id = $1 AND f.status IN ('failed', 'dead')`,
    ]) {
      const plan = await h.schema.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, ['mirror-sync']);
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      // the partial sync index, or (for the pending rows) another pending-only index: never the delivered rows
      expect(text).toMatch(/deliveries_(sync|due|pending_order|unbatched)_idx/);
      expect(text).not.toContain('Seq Scan');
    }
    const { rows } = await h.schema.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM deliveries WHERE sync_id = 'mirror-sync' AND status IN ('pending', 'failed', 'dead')`,
    );
    expect(rows[0].n).toBe(40);
  });
});
