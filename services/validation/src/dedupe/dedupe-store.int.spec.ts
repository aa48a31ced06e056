import { inTransaction } from '@tessera/kafka';
import { createTestSchema, type TestSchema } from '@tessera/testing';
import { deleteExpiredRows } from '../maintenance/expired-rows';
import { DEDUPE_KEYS, DedupeStore, dedupeKeyString } from './dedupe-store';

describe('DedupeStore (Postgres)', () => {
  let db: TestSchema;
  const store = new DedupeStore();
  const week = 7 * 24 * 3_600_000;

  beforeAll(async () => {
    db = await createTestSchema('validation_dedupe');
    await db.pool.query(
      'CREATE TABLE dedupe_keys (source_id text NOT NULL, message_id text NOT NULL, accepted_at timestamptz NOT NULL, PRIMARY KEY (source_id, message_id))',
    );
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('claims new keys once; a key inside the window is a duplicate, per source', async () => {
    const first = await inTransaction(db.pool, (tx) =>
      store.claim(
        tx,
        [
          { sourceId: 'a', messageId: '1' },
          { sourceId: 'b', messageId: '1' },
        ],
        week,
      ),
    );
    expect([...first].sort()).toEqual(
      [dedupeKeyString({ sourceId: 'a', messageId: '1' }), dedupeKeyString({ sourceId: 'b', messageId: '1' })].sort(),
    );
    const again = await inTransaction(db.pool, (tx) =>
      store.claim(
        tx,
        [
          { sourceId: 'a', messageId: '1' },
          { sourceId: 'a', messageId: '2' },
        ],
        week,
      ),
    );
    expect([...again]).toEqual([dedupeKeyString({ sourceId: 'a', messageId: '2' })]);
  });

  it('a rolled-back batch leaves no key behind (the key lives and dies with the outputs)', async () => {
    await expect(
      inTransaction(db.pool, async (tx) => {
        await store.claim(tx, [{ sourceId: 'a', messageId: 'rolled-back' }], week);
        throw new Error('batch failed');
      }),
    ).rejects.toThrow('batch failed');
    const claimed = await inTransaction(db.pool, (tx) => store.claim(tx, [{ sourceId: 'a', messageId: 'rolled-back' }], week));
    expect(claimed.size).toBe(1);
  });

  it('reclaims a key older than the window even before pruning, and prunes expired keys', async () => {
    await db.pool.query(
      "INSERT INTO dedupe_keys VALUES ('old', '1', now() - interval '8 days'), ('old', '2', now() - interval '8 days'), ('old', '3', now() - interval '1 day')",
    );
    const claimed = await inTransaction(db.pool, (tx) =>
      store.claim(
        tx,
        [
          { sourceId: 'old', messageId: '1' },
          { sourceId: 'old', messageId: '3' },
        ],
        week,
      ),
    );
    expect([...claimed]).toEqual([dedupeKeyString({ sourceId: 'old', messageId: '1' })]);
    expect(await deleteExpiredRows(db.pool, DEDUPE_KEYS, week)).toBe(1);
    const { rows } = await db.pool.query("SELECT message_id FROM dedupe_keys WHERE source_id = 'old' ORDER BY message_id");
    expect(rows.map((r) => r.message_id)).toEqual(['1', '3']);
  });
});
