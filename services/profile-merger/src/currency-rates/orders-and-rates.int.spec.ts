import type { RunningService } from '@tessera/service-kit';
import { eventually } from '@tessera/testing';
import type { MergerHarness, JsonBody } from '../test-support/merger-harness';
import { useMergerStack } from '../test-support/merger-stack';
import { identifyItem, trackItem } from '../test-support/test-items.fixture';

const T0 = Date.UTC(2026, 11, 1);
type Commerce = NonNullable<Parameters<typeof trackItem>[0]['commerce']>;

const order = (
  profileId: string,
  messageId: string,
  at: number,
  orderId: string,
  amount: number,
  currency: string | null,
  isTest = false,
) =>
  trackItem({
    profileId,
    messageId,
    sourceId: 'web',
    at: T0 + at,
    event: 'Order Completed',
    revenue: amount,
    properties: { order_id: orderId },
    isTest,
    commerce: { kind: 'order', orderId, amount, currency, currencyOrigin: currency ? 'event' : 'missing' } satisfies Commerce,
  });
const withUser = <T extends { identifiers: unknown[] }>(item: T, userId: string): T => ({
  ...item,
  identifiers: [{ type: 'user_id', value: userId }],
});

/**
 * Orders, refunds, currencies and test traffic through the real merger (embedded broker and Postgres, HTTP):
 * orders counted once per order id across resends, merges and splits, totals per currency, lifetime value at the
 * admin rate table's newest rates (applied at read time), flags for what could not be converted.
 */
describe('orders, currencies and test traffic in the merger', () => {
  const stack = useMergerStack('profile_merger_orders', { seeded: false });
  const { changes } = stack;
  let service: RunningService;
  let harness: MergerHarness;
  beforeAll(() => ({ service, harness } = stack));

  it('keeps the rate table behind the admin token and refuses malformed rates', async () => {
    expect((await fetch(`${service.url}/v1/currency-rates`)).status).toBe(401);
    expect((await harness.admin('GET', '/v1/currency-rates')).status).toBe(200);
    for (const body of [
      { rates: [{ currency: 'EURO', date: '2026-12-01', rate: 1.1 }] },
      { rates: [{ currency: 'ABC', date: '2026-12-01', rate: 1.1 }] },
      { rates: [{ currency: 'EUR', date: '2026-02-30', rate: 1.1 }] },
      { rates: [{ currency: 'EUR', date: '2026-12-01', rate: 0 }] },
      { reportingCurrency: 'usd', rates: [] },
      { rates: [] },
    ]) {
      expect({ body, status: (await harness.admin('PUT', '/v1/currency-rates', body)).status }).toEqual({ body, status: 400 });
    }
    const details = async (body: unknown) => ((await (await harness.admin('PUT', '/v1/currency-rates', body)).json()) as JsonBody).details;
    expect(await details({ rates: [{ currency: 'ABC', date: '2026-12-01', rate: 1.1 }] })).toEqual([
      { path: '/rates/0/currency', message: 'is not an ISO 4217 currency code: ABC' },
    ]);
    expect(await details({ rates: [{ currency: 'EUR', date: '2026-02-30', rate: 1.1 }] })).toEqual([
      { path: '/rates/0/date', message: 'is not a calendar date: 2026-02-30' },
    ]);
    expect(await details({ rates: [] })).toEqual([{ path: '', message: 'names no reporting currency and no rate' }]);
  });

  it('counts each order once, keeps currencies apart, converts with the rate table and flags what it cannot convert', async () => {
    const put = await harness.admin('PUT', '/v1/currency-rates', {
      reportingCurrency: 'USD',
      rates: [
        { currency: 'EUR', date: '2026-11-30', rate: 1.05 },
        { currency: 'EUR', date: '2026-12-01', rate: 1.1 },
      ],
    });
    expect(await put.json()).toEqual({
      reportingCurrency: 'USD',
      rates: [
        { currency: 'EUR', date: '2026-12-01', rate: 1.1, current: true },
        { currency: 'EUR', date: '2026-11-30', rate: 1.05, current: false },
      ],
    });
    const p = 'p-shop';
    await harness.sendItems([
      withUser(order(p, 'shop-1', 1000, 'o-1', 100, 'EUR'), 'u-shop'),
      order(p, 'shop-1-resend', 1000, 'o-1', 100, 'EUR'),
      trackItem({
        profileId: p,
        messageId: 'shop-checkout',
        sourceId: 'web',
        at: T0 + 1500,
        event: 'Checkout Started',
        revenue: 500,
        properties: { order_id: 'o-2' },
      }),
      order(p, 'shop-2', 2000, 'o-2', 20, 'USD'),
      trackItem({
        profileId: p,
        messageId: 'shop-refund',
        sourceId: 'web',
        at: T0 + 2500,
        event: 'Order Refunded',
        properties: { order_id: 'o-2' },
        commerce: { kind: 'refund', orderId: 'o-2', amount: 5, currency: 'USD', currencyOrigin: 'event' },
      }),
      order(p, 'shop-3', 3000, 'o-3', 1000, 'JPY'),
      order(p, 'shop-4', 4000, 'o-4', 7, null),
      order(p, 'shop-test', 5000, 'o-5', 999, 'USD', true),
    ]);
    const profile = await harness.waitFor(`/v1/profiles/${p}`, (body) => body.summary?.itemCount === 8);
    expect(profile.isTest).toBe(false);
    expect(profile.transactions).toEqual({
      orderCount: 4,
      revenueTotal: 125,
      lifetimeValue: { currency: 'USD', total: 125, rates: [{ currency: 'EUR', rate: 1.1, date: '2026-12-01' }] },
      byCurrency: {
        EUR: { orders: 1, revenue: 100, refunded: 0, net: 100 },
        JPY: { orders: 1, revenue: 1000, refunded: 0, net: 1000 },
        USD: { orders: 1, revenue: 20, refunded: 5, net: 15 },
      },
      withoutCurrency: { orders: 1, net: 7 },
      flags: ['missing_rate:JPY', 'missing_currency'],
      lastOrder: expect.objectContaining({ messageId: 'shop-4', orderId: 'o-4', revenue: 7, currency: null }),
    });
    // The test order changes nothing, not even the event count.
    expect(profile.summary.eventCounts['Order Completed'].count).toBe(5);
    expect(profile.summary.lastSeen).toBe(new Date(T0 + 4000).toISOString());

    const change = await eventually(
      async () =>
        changes
          .filter((c) => c.profileId === p)
          .map((c) => JSON.parse(c.values) as JsonBody)
          .find((v) => v.order_count === 4),
      20_000,
      'the change with 4 orders',
    );
    expect(change).toMatchObject({
      revenue_total: 125,
      revenue_currency: 'USD',
      'revenue.EUR': 100,
      'revenue.USD': 15,
      'revenue.JPY': 1000,
      revenue_without_currency: 7,
      revenue_flags: ['missing_rate:JPY', 'missing_currency'],
    });

    // A new rate applies at the next read, retroactively; adding a JPY rate lifts the flag.
    await harness.admin('PUT', '/v1/currency-rates', {
      rates: [
        { currency: 'EUR', date: '2026-12-02', rate: 1.2 },
        { currency: 'JPY', date: '2026-12-02', rate: 0.0065 },
      ],
    });
    const reread = (await harness.get(`/v1/profiles/${p}`)).body;
    expect(reread.transactions).toMatchObject({ revenueTotal: 141.5, flags: ['missing_currency'] });
  });

  it('an order held by two profiles counts once after their merge, and again once on each side after the split', async () => {
    await harness.sendItems([
      withUser(order('p-left', 'left-1', 1000, 'o-shared', 30, 'USD'), 'u-left'),
      withUser(order('p-right', 'right-1', 1100, 'o-shared', 30, 'USD'), 'u-right'),
      order('p-right', 'right-2', 1200, 'o-right', 10, 'USD'),
    ]);
    await harness.waitFor('/v1/profiles/p-left', (body) => body.summary?.itemCount === 1);
    await harness.waitFor('/v1/profiles/p-right', (body) => body.summary?.itemCount === 2);
    await harness.sendChange({
      changeId: 'orders-merge',
      kind: 'merge',
      survivorProfileId: 'p-left',
      absorbedProfileId: 'p-right',
      rule: 'test',
      causingMessageId: null,
      identifiers: [],
      at: T0 + 2000,
    });
    const merged = await harness.waitFor('/v1/profiles/p-left', (body) => body.summary?.itemCount === 3);
    expect(merged.transactions).toMatchObject({ orderCount: 2, revenueTotal: 40, byCurrency: { USD: { orders: 2, net: 40 } } });
    await harness.sendChange({
      changeId: 'orders-split',
      kind: 'split',
      survivorProfileId: 'p-left',
      absorbedProfileId: 'p-right',
      rule: 'manual_split',
      causingMessageId: null,
      identifiers: [{ type: 'user_id', value: 'u-right' }],
      movedMessageIds: ['right-1', 'right-2'],
      at: T0 + 3000,
    });
    const left = await harness.waitFor('/v1/profiles/p-left', (body) => body.summary?.itemCount === 1);
    expect(left.transactions).toMatchObject({ orderCount: 1, revenueTotal: 30 });
    const right = await harness.waitFor('/v1/profiles/p-right', (body, status) => status === 200 && body.profileId === 'p-right');
    expect(right.transactions).toMatchObject({ orderCount: 2, revenueTotal: 40 });
  });

  it('a profile of test items only stays visible, marked isTest, with no KPIs', async () => {
    const qa = (messageId: string, at: number) => ({
      ...identifyItem({ profileId: 'p-qa', messageId, sourceId: 'web', at: T0 + at, traits: { plan: 'qa' } }),
      identifiers: [{ type: 'user_id', value: 'qa-1' }],
    });
    const testIdentify = qa('qa-1', 1000);
    await harness.sendItems([
      { ...testIdentify, event: { ...testIdentify.event!, isTest: true } },
      order('p-qa', 'qa-order', 2000, 'qa-o', 50, 'USD', true),
    ]);
    const profile = await harness.waitFor('/v1/profiles?identifier=user_id:qa-1', (body) => body.summary?.itemCount === 2);
    expect(profile).toMatchObject({
      isTest: true,
      traits: {},
      transactions: { orderCount: 0, revenueTotal: 0 },
      summary: { eventCounts: {} },
    });
    const published = await eventually(async () => changes.find((c) => c.profileId === 'p-qa'), 20_000, 'a change of p-qa');
    expect(published.isTest).toBe(true);
  });

  it('a merge of two test-only profiles changes no values, and is still published with the identifiers it brings', async () => {
    const testView = (profileId: string, messageId: string, device: string) => {
      const item = trackItem({ profileId, messageId, sourceId: 'web', at: T0 + 6000, event: 'Viewed', isTest: true });
      return { ...item, identifiers: [{ type: 'device_id', value: device }] };
    };
    await harness.sendItems([testView('p-qa-a', 'qa-a', 'dev-a'), testView('p-qa-b', 'qa-b', 'dev-b')]);
    await harness.waitFor('/v1/profiles/p-qa-b', (body) => body.summary?.itemCount === 1);
    await harness.waitFor('/v1/profiles/p-qa-a', (body) => body.summary?.itemCount === 1);
    await harness.sendChange({
      changeId: 'qa-merge',
      kind: 'merge',
      survivorProfileId: 'p-qa-a',
      absorbedProfileId: 'p-qa-b',
      rule: 'test',
      causingMessageId: null,
      identifiers: [],
      at: T0 + 7000,
    });
    const published = await eventually(
      async () => changes.find((c) => c.profileId === 'p-qa-a' && c.identifiers.length === 2),
      20_000,
      'the merged test profile with both devices',
    );
    expect(published).toMatchObject({
      isTest: true,
      identifiers: [
        { type: 'device_id', value: 'dev-a' },
        { type: 'device_id', value: 'dev-b' },
      ],
    });
  });
});
