import type { QueryRunner } from '@tessera/persistence';
import { createTestSchema, type TestSchema } from '@tessera/testing';
import { takeDisappeared } from '../sync/row-key-log';
import { ConnectorsTables1735000000000 } from './connectors-tables.migration';
import { RowKeyBatches1737000000000 } from './row-key-batches.migration';

describe('RowKeyBatches migration (real Postgres)', () => {
  let schema: TestSchema;
  // the migrations only call query(); the schema's pool binds their search_path
  const runner = () => ({ query: (sql: string) => schema.pool.query(sql) }) as unknown as QueryRunner;
  beforeAll(async () => {
    schema = await createTestSchema('conn_row_key_migration');
    await new ConnectorsTables1735000000000().up(runner());
  });
  afterAll(() => schema.drop());

  it('moves existing row keys over as compacted batches that a full refresh settles against, and back down', async () => {
    await schema.pool.query(
      `INSERT INTO row_keys (connection_id, stream, row_key, last_seen_run, identifier, brand)
       SELECT 'crm', 'contacts', 'k-' || i, 'run-1', 'north:k-' || i, CASE WHEN i % 2 = 0 THEN 'north' END FROM generate_series(1, 25000) i
       UNION ALL SELECT 'crm', 'deals', 'd-1', 'run-1', 'd-1', NULL`,
    );
    await new RowKeyBatches1737000000000().up(runner());

    const { rows } = await schema.pool.query<{ stream: string; compacted: boolean; keys: number }>(
      'SELECT stream, compacted, keys FROM row_key_batches ORDER BY stream, seq',
    );
    expect(rows).toEqual([
      { stream: 'contacts', compacted: true, keys: 10000 },
      { stream: 'contacts', compacted: true, keys: 10000 },
      { stream: 'contacts', compacted: true, keys: 5000 },
      { stream: 'deals', compacted: true, keys: 1 },
    ]);
    // a full refresh that saw one key of 'contacts' finds the other 24,999 gone, with their identifier and brand
    await schema.pool.query(
      `INSERT INTO row_key_batches (connection_id, stream, run_id, keys, row_keys, identifiers, brands) VALUES ('crm', 'contacts', 'run-2', 1, '{k-2}', '{north:k-2}', NULL)`,
    );
    const client = await schema.pool.connect();
    try {
      const gone = await takeDisappeared(client, 'crm', ['contacts'], 'run-2');
      expect(gone).toHaveLength(24_999);
      expect(gone.find((g) => g.row_key === 'k-4')).toEqual({
        stream: 'contacts',
        row_key: 'k-4',
        identifier: 'north:k-4',
        brand: 'north',
      });
      expect(gone.find((g) => g.row_key === 'k-3')).toEqual({ stream: 'contacts', row_key: 'k-3', identifier: 'north:k-3', brand: null });
    } finally {
      client.release();
    }

    await new RowKeyBatches1737000000000().down(runner());
    const back = await schema.pool.query('SELECT stream, row_key, last_seen_run, identifier, brand FROM row_keys ORDER BY stream, row_key');
    expect(back.rows).toEqual([
      { stream: 'contacts', row_key: 'k-2', last_seen_run: 'run-2', identifier: 'north:k-2', brand: null },
      { stream: 'deals', row_key: 'd-1', last_seen_run: 'migrated', identifier: 'd-1', brand: null },
    ]);
  });
});
