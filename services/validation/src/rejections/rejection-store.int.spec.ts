import { randomUUID } from 'node:crypto';
import type { Rejection } from '@tessera/contracts';
import { createTestSchema, type TestSchema } from '@tessera/testing';
import { ValidationTables1732300000000 } from '../database/validation-tables.migration';
import { RejectionStore } from './rejection-store';

const rejection = (rejectedAt: number, overrides: Partial<Rejection> = {}): Rejection => ({
  rejectionId: randomUUID(),
  reason: 'unplanned_event',
  detail: 'nope \u0000 with a NUL',
  path: 'event',
  service: 'validation',
  itemKind: 'event',
  sourceId: 's',
  messageId: randomUUID(),
  original: { topic: 'cdp.events.raw', partition: 1, offset: 42, key: Buffer.from('u-1'), value: Buffer.from([0xc3, 0x01, 0x00]), timestamp: rejectedAt, headers: [{ key: 'h', value: Buffer.from('v') }] },
  rejectedAt,
  ...overrides,
});

describe('RejectionStore (Postgres)', () => {
  let db: TestSchema;
  const store = new RejectionStore();

  beforeAll(async () => {
    db = await createTestSchema('validation_rejections');
    await new ValidationTables1732300000000().up({ query: (sql: string) => db.pool.query(sql) } as never);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('stores a rejection once (redelivery), keeps the original bytes, and pages newest first', async () => {
    const old = rejection(Date.now() - 60_000);
    const fresh = rejection(Date.now());
    expect(await store.insert(db.pool, [old, fresh, old])).toBe(2);
    const page = await store.browse(db.pool, { sourceId: 's' }, 1);
    expect(page.map((r) => r.rejectionId)).toEqual([fresh.rejectionId]);
    const next = await store.browse(db.pool, { sourceId: 's' }, 1, { rejectedAt: Date.parse(page[0].rejectedAt), rejectionId: page[0].rejectionId });
    expect(next[0]).toMatchObject({ rejectionId: old.rejectionId, detail: 'nope \uFFFD with a NUL', originalValueBase64: Buffer.from([0xc3, 0x01, 0x00]).toString('base64'), original: { key: 'u-1', offset: '42', headers: { h: 'v' } } });
  });

  it('prunes rejections older than the retention', async () => {
    const ancient = rejection(Date.now() - 40 * 86_400_000, { sourceId: 'prune' });
    const recent = rejection(Date.now() - 86_400_000, { sourceId: 'prune' });
    await store.insert(db.pool, [ancient, recent]);
    expect(await store.prune(db.pool, 30 * 86_400_000, 1)).toBe(1);
    expect((await store.browse(db.pool, { sourceId: 'prune' }, 10)).map((r) => r.rejectionId)).toEqual([recent.rejectionId]);
  });
});
