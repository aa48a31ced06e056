import { eventCount, timeAfter, type ScenarioSuite } from '../test-support/scenario-suite';

/**
 * Orders, currencies and test traffic through the whole running pipeline (gateway, validation, resolver, merger
 * as processes on the embedded broker and Postgres), asserted through the public HTTP APIs only: which events
 * are orders (Segment's e-commerce spec), one order per order id, refunds, totals per currency and lifetime value
 * at the admin rate table, flags for what cannot be converted, and test traffic kept out of every KPI.
 */

const at = timeAfter(Date.UTC(2026, 11, 1));

export function ordersAndCurrencyScenarios({ client, send }: ScenarioSuite): void {
  it('Checkout Started carrying revenue is ignored, an order resent with a new messageId counts once, and a refund subtracts', async () => {
    const user = 'u-orders';
    await send('track', {
      userId: user,
      event: 'Checkout Started',
      properties: { order_id: 'ord-1', revenue: 80, currency: 'USD' },
      timestamp: at(0),
      messageId: 'ord-checkout',
    });
    await send('track', {
      userId: user,
      event: 'Product Added',
      properties: { revenue: 80, currency: 'USD' },
      timestamp: at(1),
      messageId: 'ord-added',
    });
    await send('track', {
      userId: user,
      event: 'Order Completed',
      properties: { order_id: 'ord-1', revenue: 80, currency: 'USD' },
      timestamp: at(2),
      messageId: 'ord-1-first',
    });
    // the SDK (or a server retry) sends the same order again with a new messageId
    await send('track', {
      userId: user,
      event: 'Order Completed',
      properties: { order_id: 'ord-1', revenue: 80, currency: 'USD' },
      timestamp: at(2),
      messageId: 'ord-1-again',
    });
    const placed = await client.waitForProfile('user_id', user, (p) => p.summary.itemCount === 4);
    expect(placed.transactions).toMatchObject({
      orderCount: 1,
      revenueTotal: 80,
      byCurrency: { USD: { orders: 1, revenue: 80, refunded: 0, net: 80 } },
      flags: [],
    });

    await send('track', {
      userId: user,
      event: 'Order Refunded',
      properties: { order_id: 'ord-1', total: 30, currency: 'USD' },
      timestamp: at(3),
      messageId: 'ord-1-refund',
    });
    const refunded = await client.waitForProfile('user_id', user, (p) => p.summary.itemCount === 5);
    expect(refunded.transactions).toMatchObject({
      orderCount: 1,
      revenueTotal: 50,
      byCurrency: { USD: { orders: 1, revenue: 80, refunded: 30, net: 50 } },
    });
  });

  it('a refund booked as a negative amount subtracts it; an order with a negative total is an adjustment that lowers the total', async () => {
    const user = 'u-signed';
    await send('track', {
      userId: user,
      event: 'Order Completed',
      properties: { order_id: 'sig-1', total: 100, currency: 'USD' },
      timestamp: at(10),
      messageId: 'sig-1',
    });
    await send('track', {
      userId: user,
      event: 'Order Refunded',
      properties: { order_id: 'sig-1', total: -40, currency: 'USD' },
      timestamp: at(11),
      messageId: 'sig-1-refund',
    });
    await send('track', {
      userId: user,
      event: 'Order Completed',
      properties: { order_id: 'sig-return', total: -15, currency: 'USD' },
      timestamp: at(12),
      messageId: 'sig-return',
    });
    const profile = await client.waitForProfile('user_id', user, (p) => p.summary.itemCount === 3);
    expect(profile.transactions).toMatchObject({
      orderCount: 2,
      revenueTotal: 45,
      byCurrency: { USD: { orders: 2, revenue: 85, refunded: 40, net: 45 } },
    });
  });

  it('EUR and USD are kept apart and converted with the rate table; a currency without a rate is counted and flagged', async () => {
    await client.putCurrencyRates({ reportingCurrency: 'USD', rates: [{ currency: 'EUR', date: '2026-12-01', rate: 1.1 }] });
    const user = 'u-currencies';
    const order = (messageId: string, orderId: string, revenue: number, currency: string, seconds: number) =>
      send('track', {
        userId: user,
        event: 'Order Completed',
        properties: { order_id: orderId, revenue, currency },
        timestamp: at(seconds),
        messageId,
      });
    await order('cur-eur', 'cur-1', 100, 'eur', 10);
    await order('cur-usd', 'cur-2', 10, 'USD', 11);
    await order('cur-chf', 'cur-3', 20, 'CHF', 12);
    const profile = await client.waitForProfile('user_id', user, (p) => p.transactions.orderCount === 3);
    expect(profile.transactions).toMatchObject({
      revenueTotal: 120,
      lifetimeValue: { currency: 'USD', total: 120, rates: [{ currency: 'EUR', rate: 1.1, date: '2026-12-01' }] },
      byCurrency: { EUR: { net: 100 }, USD: { net: 10 }, CHF: { net: 20 } },
      flags: ['missing_rate:CHF'],
    });

    // a rate added later applies at the next read, to orders already counted
    await client.putCurrencyRates({ rates: [{ currency: 'CHF', date: '2026-12-02', rate: 1.25 }] });
    const converted = (await client.profile(profile.profileId)).body;
    expect(converted.transactions).toMatchObject({ revenueTotal: 145, flags: [] });
  });

  it("an order without a currency takes its source's default currency; with no default it is flagged, not assumed", async () => {
    const shop = await client.createSource('shop-se');
    await client.putSourceSettings(shop.id, { orderEvents: ['Order Completed', 'Purchase'], defaultCurrency: 'SEK' });
    await client.send(shop.writeKey, 'track', {
      userId: 'u-sek',
      event: 'Purchase',
      properties: { order_id: 'se-1', revenue: 300 },
      timestamp: at(20),
      messageId: 'se-purchase',
    });
    const swedish = await client.waitForProfile('user_id', 'u-sek', (p) => p.transactions.orderCount === 1);
    expect(swedish.transactions).toMatchObject({
      byCurrency: { SEK: { orders: 1, net: 300 } },
      withoutCurrency: null,
      flags: ['missing_rate:SEK'],
    });

    await send('track', {
      userId: 'u-no-currency',
      event: 'Order Completed',
      properties: { order_id: 'nc-1', revenue: 9 },
      timestamp: at(21),
      messageId: 'nc-order',
    });
    const unknown = await client.waitForProfile('user_id', 'u-no-currency', (p) => p.transactions.orderCount === 1);
    expect(unknown.transactions).toMatchObject({
      revenueTotal: 0,
      byCurrency: {},
      withoutCurrency: { orders: 1, net: 9 },
      flags: ['missing_currency'],
    });
  });

  it("test events never change a real profile's revenue, orders, event counts or traits; a test-only profile stays visible, marked isTest", async () => {
    const user = 'u-real-buyer';
    await send('identify', { userId: user, traits: { plan: 'pro' }, timestamp: at(30), messageId: 'real-identify' });
    await send('track', {
      userId: user,
      event: 'Order Completed',
      properties: { order_id: 'real-1', revenue: 10, currency: 'USD' },
      timestamp: at(31),
      messageId: 'real-order',
    });
    const test = { context: { test: true } };
    await send('identify', {
      userId: user,
      traits: { plan: 'qa-plan', firstName: 'Tester' },
      timestamp: at(40),
      messageId: 'test-identify',
      ...test,
    });
    await send('track', {
      userId: user,
      event: 'Order Completed',
      properties: { order_id: 'test-1', revenue: 500, currency: 'USD' },
      timestamp: at(41),
      messageId: 'test-order',
      ...test,
    });
    await send('track', { userId: user, event: 'Product Viewed', timestamp: at(42), messageId: 'test-view', ...test });
    const real = await client.waitForProfile('user_id', user, (p) => p.summary.itemCount === 5);
    expect(real).toMatchObject({ isTest: false, traits: { plan: 'pro' }, transactions: { orderCount: 1, revenueTotal: 10 } });
    expect(real.traits).not.toHaveProperty('given-name');
    expect(eventCount(real, 'Order Completed')).toBe(1);
    expect(eventCount(real, 'Product Viewed')).toBeUndefined();
    expect(real.summary.lastSeen).toBe(at(31));

    await send('track', {
      userId: 'u-qa-only',
      event: 'Order Completed',
      properties: { order_id: 'qa-1', revenue: 50, currency: 'USD' },
      timestamp: at(50),
      messageId: 'qa-only-order',
      ...test,
    });
    const qa = await client.waitForProfile('user_id', 'u-qa-only', (p) => p.summary.itemCount === 1);
    expect(qa).toMatchObject({ isTest: true, transactions: { orderCount: 0, revenueTotal: 0 }, summary: { eventCounts: {} } });
  });
}
