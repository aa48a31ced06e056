import { createTestSchema, type TestSchema } from '@tessera/testing';
import { buildUnnestDelete, buildUnnestInsert, buildUnnestUpdate, withPgTransaction } from './index';

describe('set-based writes against the embedded Postgres', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('unnest');
    await db.pool.query(`CREATE TABLE event_counts (
      profile_id text NOT NULL, event text NOT NULL, n bigint NOT NULL, last_seen timestamptz NOT NULL, props jsonb,
      PRIMARY KEY (profile_id, event))`);
  });
  afterAll(() => db?.drop());

  const columns = [
    { name: 'profile_id', type: 'text' },
    { name: 'event', type: 'text' },
    { name: 'n', type: 'bigint' },
    { name: 'last_seen', type: 'timestamptz' },
    { name: 'props', type: 'jsonb' },
  ];

  it('inserts thousands of rows in one statement and upserts them with a guarded update', async () => {
    const at = new Date('2026-01-01T00:00:00.000Z');
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      profile_id: `p${i}`,
      event: 'Order Completed',
      n: 1,
      last_seen: at,
      props: i === 0 ? { quote: `it's "odd" \\ {}`, list: [1, 2] } : null,
    }));
    await db.pool.query(buildUnnestInsert({ table: 'event_counts', columns, rows }));
    const { rows: stored } = await db.pool.query('SELECT count(*)::int AS n, sum(n)::int AS total FROM event_counts');
    expect(stored).toEqual([{ n: 5000, total: 5000 }]);
    const { rows: odd } = await db.pool.query("SELECT props FROM event_counts WHERE profile_id = 'p0'");
    expect(odd[0].props).toEqual({ quote: `it's "odd" \\ {}`, list: [1, 2] });

    const upsert = buildUnnestInsert({
      table: 'event_counts',
      alias: 'c',
      columns,
      rows: [
        { profile_id: 'p1', event: 'Order Completed', n: 2, last_seen: new Date('2026-02-01T00:00:00Z'), props: null },
        { profile_id: 'p2', event: 'Order Completed', n: 5, last_seen: new Date('2025-12-01T00:00:00Z'), props: null },
        { profile_id: 'new', event: 'Signed Up', n: 1, last_seen: at, props: { plan: 'free' } },
      ],
      onConflict: {
        target: ['profile_id', 'event'],
        update: [{ column: 'n', expression: 'c.n + EXCLUDED.n' }, 'last_seen'],
        where: 'EXCLUDED.last_seen > c.last_seen',
      },
      returning: ['profile_id'],
    });
    const result = await db.pool.query(upsert);
    expect(result.rows.map((row) => row.profile_id).sort()).toEqual(['new', 'p1']);
    const { rows: after } = await db.pool.query(
      "SELECT profile_id, n::int AS n FROM event_counts WHERE profile_id IN ('p1', 'p2', 'new') ORDER BY profile_id",
    );
    expect(after).toEqual([
      { profile_id: 'new', n: 1 },
      { profile_id: 'p1', n: 3 },
      { profile_id: 'p2', n: 1 },
    ]);
  });

  it('updates and deletes a batch in one statement each', async () => {
    await db.pool.query(`CREATE TABLE stock (sku text PRIMARY KEY, qty integer NOT NULL, updated_at timestamptz NOT NULL)`);
    const t0 = new Date('2026-01-01T00:00:00Z');
    const t1 = new Date('2026-01-02T00:00:00Z');
    await db.pool.query(
      buildUnnestInsert({
        table: 'stock',
        columns: [
          { name: 'sku', type: 'text' },
          { name: 'qty', type: 'integer' },
          { name: 'updated_at', type: 'timestamptz' },
        ],
        rows: ['a', 'b', 'c', 'd'].map((sku) => ({ sku, qty: 10, updated_at: t1 })),
      }),
    );
    const updated = await db.pool.query(
      buildUnnestUpdate({
        table: 'stock',
        key: [{ name: 'sku', type: 'text' }],
        columns: [
          { name: 'qty', type: 'integer' },
          { name: 'updated_at', type: 'timestamptz' },
        ],
        set: { qty: 't.qty + v.qty' },
        where: 'v.updated_at >= t.updated_at',
        rows: [
          { sku: 'a', qty: 5, updated_at: t1 },
          { sku: 'b', qty: 5, updated_at: t0 },
          { sku: 'zz', qty: 5, updated_at: t1 },
        ],
        returning: ['sku'],
      }),
    );
    expect(updated.rows).toEqual([{ sku: 'a' }]);
    const deleted = await db.pool.query(
      buildUnnestDelete({ table: 'stock', key: [{ name: 'sku', type: 'text' }], rows: [{ sku: 'c' }, { sku: 'd' }, { sku: 'nope' }] }),
    );
    expect(deleted.rowCount).toBe(2);
    const { rows } = await db.pool.query('SELECT sku, qty FROM stock ORDER BY sku');
    expect(rows).toEqual([
      { sku: 'a', qty: 15 },
      { sku: 'b', qty: 10 },
    ]);
  });

  it('withPgTransaction commits on success and rolls back on failure', async () => {
    await db.pool.query('CREATE TABLE ledger (id int PRIMARY KEY)');
    await withPgTransaction(db.pool, (client) => client.query('INSERT INTO ledger VALUES (1)'));
    await expect(
      withPgTransaction(db.pool, async (client) => {
        await client.query('INSERT INTO ledger VALUES (2)');
        await client.query('INSERT INTO ledger VALUES (1)');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const { rows } = await db.pool.query('SELECT id FROM ledger ORDER BY id');
    expect(rows).toEqual([{ id: 1 }]);
  });
});
