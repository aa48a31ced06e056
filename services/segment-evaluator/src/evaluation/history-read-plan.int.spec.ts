import type { SqlExecutor } from '@tessera/kafka';
import type { QueryRunner } from '@tessera/persistence';
import { createTestSchema, type TestSchema } from '@tessera/testing';
import type { QueryResultRow } from 'pg';
import { HistoryRead1733800000000 } from '../database/history-read.migration';
import { OrderKeys1733700000000 } from '../database/order-keys.migration';
import { SegmentTables1733400000000 } from '../database/segment-tables.migration';
import { SplitMoves1733600000000 } from '../database/split-moves.migration';
import { loadEventHistories } from './profile-store';

/**
 * The whole-history read on a connection whose cached generic plan was made while profile_events was analyzed
 * near empty, as on a fresh deployment before autovacuum analyzes the grown table: it must still probe the index,
 * not scan the table testing every row against every id.
 */
describe('whole-history read plan (Postgres)', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('se_history_read');
    const q = { query: (sql: string) => db.pool.query(sql) } as unknown as QueryRunner;
    for (const M of [SegmentTables1733400000000, SplitMoves1733600000000, OrderKeys1733700000000, HistoryRead1733800000000])
      await new M().up(q);
  });

  afterAll(() => db?.drop());

  const fill = (from: number, to: number) =>
    db.pool.query(
      `INSERT INTO profile_events (profile_id, message_id, name, at_ms, properties)
       SELECT 'p-' || k, 'm-' || k || '-' || j, CASE WHEN j = 0 THEN '$identify' ELSE 'Order Completed' END, 1000 + j, '{}'
         FROM generate_series($1::int, $2::int) k, generate_series(0, 3) j`,
      [from, to],
    );

  it('probes the index after the table grew past the statistics its plan was made on', async () => {
    await db.pool.query('ALTER TABLE profile_events SET (autovacuum_enabled = false)');
    await fill(0, 4);
    await db.pool.query('ANALYZE profile_events');
    const client = await db.pool.connect();
    try {
      // a named prepared statement, as the consumers run it (libs/kafka preparingExecutor); the read is one statement
      const tx: SqlExecutor = {
        query: <R extends QueryResultRow>(text: string, values?: unknown[]) => client.query<R>({ name: 'history_read', text, values }),
      };
      for (let i = 0; i < 7; i++) await loadEventHistories(tx, ['p-0', 'p-1']); // past the custom plans: the generic one
      await fill(5, 4999);

      const plans: string[] = [];
      const onNotice = (notice: { message?: string }) => void plans.push(notice.message ?? '');
      await client.query("LOAD 'auto_explain'");
      await client.query(
        "SELECT set_config('auto_explain.log_min_duration', '0', false), set_config('auto_explain.log_nested_statements', 'on', false), set_config('auto_explain.log_level', 'notice', false)",
      );
      client.on('notice', onNotice);
      const ids = Array.from({ length: 80 }, (_, k) => `p-${k * 61}`);
      const histories = await loadEventHistories(tx, ids);
      client.off('notice', onNotice);

      expect([...histories.values()].map((h) => [h.get('$identify')?.length, h.get('Order Completed')?.length])).toEqual(
        ids.map(() => [1, 3]),
      );
      const read = plans.filter((plan) => plan.includes('FROM profile_events'));
      expect(read).toHaveLength(1);
      expect(read[0]).toMatch(/Index Scan/);
      expect(read[0]).not.toMatch(/Seq Scan/);
    } finally {
      client.release(true);
    }
  }, 60_000);
});
