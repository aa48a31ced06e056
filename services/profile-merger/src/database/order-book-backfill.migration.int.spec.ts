import { encode, Topics } from '@tessera/contracts';
import { createServiceDataSource } from '@tessera/persistence';
import { createTestSchema, type TestSchema } from '@tessera/testing';
import { trackItem } from '../test-support/test-items.fixture';
import { PROFILE_MERGER_MIGRATIONS } from './migrations';
import { OrderBookBackfill1733400000001 } from './order-book-backfill.migration';

describe('OrderBookBackfill migration', () => {
  let schema: TestSchema;

  beforeAll(async () => {
    schema = await createTestSchema('merger_order_backfill');
  });

  afterAll(async () => {
    await schema?.drop();
  });

  it("rebuilds each active profile's order book from its item log: one order per order id, refunds, no test orders", async () => {
    const before = PROFILE_MERGER_MIGRATIONS.filter((migration) => migration !== OrderBookBackfill1733400000001);
    const old = await createServiceDataSource({ url: schema.url, schema: schema.schema, migrations: before });
    await old.destroy();
    const items = [
      trackItem({
        profileId: 'p-1',
        messageId: 'a',
        sourceId: 'web',
        at: 1000,
        event: 'Order Completed',
        revenue: 10,
        properties: { order_id: 'o-1' },
      }),
      trackItem({
        profileId: 'p-1',
        messageId: 'b',
        sourceId: 'web',
        at: 1000,
        event: 'Order Completed',
        revenue: 10,
        properties: { order_id: 'o-1' },
      }),
      trackItem({ profileId: 'p-1', messageId: 'c', sourceId: 'web', at: 2000, event: 'Order Refunded', properties: { order_id: 'o-1' } }),
      trackItem({ profileId: 'p-1', messageId: 'd', sourceId: 'web', at: 3000, event: 'Checkout Started', revenue: 99 }),
      trackItem({ profileId: 'p-2', messageId: 'e', sourceId: 'web', at: 3000, event: 'Order Completed', revenue: 5, commerce: null }),
      trackItem({
        profileId: 'p-2',
        messageId: 'f',
        sourceId: 'web',
        at: 3000,
        event: 'Order Completed',
        revenue: 500,
        properties: { order_id: 't' },
        isTest: true,
      }),
    ];
    await schema.pool.query("INSERT INTO profiles (profile_id) VALUES ('p-1'), ('p-2')");
    await schema.pool.query(
      'INSERT INTO profile_items (profile_id, source_id, message_id, occurred_at_ms, payload) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bytea[])',
      [
        items.map((i) => i.profileId),
        items.map((i) => i.sourceId),
        items.map((i) => i.messageId),
        items.map((i) => i.occurredAt),
        items.map((i) => encode(Topics.EventsResolved, i)),
      ],
    );

    const migrated = await createServiceDataSource({ url: schema.url, schema: schema.schema, migrations: PROFILE_MERGER_MIGRATIONS });
    await migrated.destroy();
    const { rows } = await schema.pool.query(
      'SELECT profile_id, order_key, kind, message_id, amount_micros, currency FROM profile_orders ORDER BY profile_id, order_key, kind',
    );
    expect(rows).toEqual([
      { profile_id: 'p-1', order_key: 'o-1', kind: 'order', message_id: 'b', amount_micros: '10000000', currency: 'EUR' },
      { profile_id: 'p-1', order_key: 'o-1', kind: 'refund', message_id: 'c', amount_micros: null, currency: 'EUR' },
      { profile_id: 'p-2', order_key: '$item:web:e', kind: 'order', message_id: 'e', amount_micros: '5000000', currency: 'EUR' },
    ]);
  });
});
