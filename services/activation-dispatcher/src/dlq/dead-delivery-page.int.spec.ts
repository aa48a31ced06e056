import type { Pool } from 'pg';
import { DeliveryHarness } from '../test-support/delivery-harness';
import { DeadDeliveryRepository } from './dead-delivery.repository';

/** A DLQ is paged in seq order, each page read off the dead-rows index, however long the DLQ. */
describe('DLQ browse (embedded Postgres)', () => {
  const h = new DeliveryHarness();

  beforeAll(async () => {
    await h.start('act_dlq_page', { pollMs: 600_000 });
    await h.destination('dead-end', { url: 'http://127.0.0.1:9/unused', batchSize: 100 });
    await h.enqueue(
      'dead-end',
      Array.from({ length: 6_000 }, (_, i) => ({ profileId: `p${i}` })),
    );
    // dead in an order unlike seq's, as retries finish them
    await h.schema.pool.query(
      `UPDATE deliveries SET status = 'dead', updated_at = now() - (seq % 97) * interval '1 minute' WHERE seq % 3 <> 0`,
    );
    await h.schema.pool.query('ANALYZE deliveries');
  }, 120_000);

  afterAll(() => h.stop());

  it('pages through the dead deliveries in seq order, none skipped or repeated across pages', async () => {
    const dlq = new DeadDeliveryRepository(h.schema.pool);
    const seqs: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const { items, next } = await dlq.page('dead-end', 50, after);
      seqs.push(...items.map((d) => Number(d.seq)));
      after = next;
    }
    const { rows } = await h.schema.pool.query<{ seq: string }>(
      `SELECT seq FROM deliveries WHERE destination_id = 'dead-end' AND status = 'dead' ORDER BY seq LIMIT 150`,
    );
    expect(seqs).toEqual(rows.map((r) => Number(r.seq)));
  });

  it('reads a page through deliveries_dead_idx without sorting the whole DLQ', async () => {
    const statements: Array<{ text: string; values?: unknown[] }> = [];
    const recording = {
      query: (text: string, values?: unknown[]) => {
        statements.push({ text, values });
        return h.schema.pool.query(text, values);
      },
    } as unknown as Pool;
    await new DeadDeliveryRepository(recording).page('dead-end', 50, '3000');
    const browse = statements.find((s) => /status = 'dead'/.test(s.text))!;
    const plan = await h.schema.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${browse.text}`, browse.values);
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toContain('deliveries_dead_idx');
    expect(text).not.toContain('Sort');
  });
});
