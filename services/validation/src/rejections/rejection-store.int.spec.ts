import { randomUUID } from 'node:crypto';
import { encode, Topics, type Rejection } from '@tessera/contracts';
import { createTestSchema, type TestSchema } from '@tessera/testing';
import { RejectionOrigin1733800000000 } from '../database/rejection-origin.migration';
import { ValidationTables1732300000000 } from '../database/validation-tables.migration';
import { rawRecord } from '../test-support/pipeline-samples.fixture';
import { deleteExpiredRows } from '../maintenance/expired-rows';
import { REJECTIONS, RejectionStore } from './rejection-store';

const rejection = (rejectedAt: number, overrides: Partial<Rejection> = {}): Rejection => ({
  rejectionId: randomUUID(),
  reason: 'unplanned_event',
  detail: 'nope \u0000 with a NUL',
  path: 'event',
  service: 'validation',
  itemKind: 'event',
  sourceId: 's',
  messageId: randomUUID(),
  original: {
    topic: 'cdp.events.raw',
    partition: 1,
    offset: 42,
    key: Buffer.from('u-1'),
    value: Buffer.from([0xc3, 0x01, 0x00]),
    timestamp: rejectedAt,
    headers: [{ key: 'h', value: Buffer.from('v') }],
  },
  rejectedAt,
  ...overrides,
});

describe('RejectionStore (Postgres)', () => {
  let db: TestSchema;
  const store = new RejectionStore();

  beforeAll(async () => {
    db = await createTestSchema('validation_rejections');
    const runner = { query: (sql: string) => db.pool.query(sql) } as never;
    await new ValidationTables1732300000000().up(runner);
    await new RejectionOrigin1733800000000().up(runner);
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
    const next = await store.browse(db.pool, { sourceId: 's' }, 1, {
      rejectedAt: Date.parse(page[0].rejectedAt),
      rejectionId: page[0].rejectionId,
    });
    expect(next[0]).toMatchObject({
      rejectionId: old.rejectionId,
      detail: 'nope \uFFFD with a NUL',
      originalValueBase64: Buffer.from([0xc3, 0x01, 0x00]).toString('base64'),
      original: { key: 'u-1', offset: '42', headers: { h: 'v' } },
    });
  });

  it('prunes rejections older than the retention', async () => {
    const ancient = rejection(Date.now() - 40 * 86_400_000, { sourceId: 'prune' });
    const recent = rejection(Date.now() - 86_400_000, { sourceId: 'prune' });
    await store.insert(db.pool, [ancient, recent]);
    expect(await deleteExpiredRows(db.pool, REJECTIONS, 30 * 86_400_000, 1)).toBe(1);
    expect((await store.browse(db.pool, { sourceId: 'prune' }, 10)).map((r) => r.rejectionId)).toEqual([recent.rejectionId]);
  });

  it("keeps a rejected connector record's origin (read from its original bytes) and finds it by connection and run", async () => {
    const origin = { connectionId: 'conn-1', runId: 'run-\u00009', stream: 'contacts', rowKey: 'contacts.csv:4' };
    const fromConnector = rejection(Date.now(), {
      itemKind: 'record',
      sourceId: 'crm',
      original: { ...rejection(0).original, topic: Topics.RecordsRaw, value: encode(Topics.RecordsRaw, rawRecord({ origin })) },
    });
    const fromGateway = rejection(Date.now(), {
      itemKind: 'record',
      sourceId: 'crm',
      original: { ...rejection(0).original, topic: Topics.RecordsRaw, value: encode(Topics.RecordsRaw, rawRecord()) },
    });
    await store.insert(db.pool, [fromConnector, fromGateway]);
    const found = await store.browse(db.pool, { connectionId: 'conn-1', runId: 'run-\uFFFD9' }, 10);
    expect(found.map((r) => [r.rejectionId, r.origin])).toEqual([[fromConnector.rejectionId, { ...origin, runId: 'run-\uFFFD9' }]]);
    expect((await store.get(db.pool, fromGateway.rejectionId))?.origin).toBeNull();
    expect(await store.browse(db.pool, { connectionId: 'conn-1', runId: 'run-2' }, 10)).toEqual([]);
  });
});
