import { eventually } from '@tessera/testing';
import { Topics } from '@tessera/contracts';
import { DAY_MS } from '../rules';
import { EvaluatorHarness } from '../test-support/evaluator-harness';

const T0 = Date.UTC(2026, 5, 1);

/**
 * Computed traits and predictions wired into the evaluator: recomputed in the consumer's exactly-once transaction
 * as orders arrive, and at their stored due time as the injectable clock passes a window edge; each change
 * announced once on cdp.profiles.computed.
 */
describe('computed traits and predictions', () => {
  const h = new EvaluatorHarness();
  const announced = (profileId: string) =>
    h.collector
      .all(Topics.ProfilesComputed)
      .filter((m) => m.value.profileId === profileId)
      .map((m) => m.value);
  /** The successive announced values of one key, in order, with the instant each holds from. */
  const seriesOf = (profileId: string, key: string) =>
    announced(profileId).flatMap((m) =>
      m.changes.filter((c) => c.key === key).map((c) => [c.value === null ? null : JSON.parse(c.value), m.at]),
    );

  const values = (profileId: string, key: string) => seriesOf(profileId, key).map(([v]) => v);

  beforeAll(async () => {
    await h.start('segments_computed', T0);
    expect(
      (
        await h.http('POST', '/v1/computed-traits', {
          key: 'orders_30d',
          event: 'Order Completed',
          aggregate: 'count',
          window: { days: 30 },
        })
      ).status,
    ).toBe(201);
    await h.http('POST', '/v1/segments', {
      id: 'repeat-buyers',
      name: '2+ orders in 30 days',
      rule: { computed: 'orders_30d', op: 'gte', value: 2 },
    });
    await h.http('POST', '/v1/segments', {
      id: 'high-ltv',
      name: 'LTV band high',
      rule: { prediction: 'ltv_band', op: 'eq', value: 'high' },
    });
  }, 90_000);
  afterAll(() => h.stop());

  it('counts an order resent under a new message id once, the later amount winning, as the lifetime value does', async () => {
    expect(
      (
        await h.http('POST', '/v1/computed-traits', {
          key: 'spend_30d',
          event: 'Order Completed',
          aggregate: 'sum',
          property: 'revenue',
          currency: 'EUR',
          window: { days: 30 },
        })
      ).status,
    ).toBe(201);
    const order = (orderId: string, amount: number) => ({
      kind: 'order' as const,
      orderId,
      amount,
      currency: 'EUR',
      currencyOrigin: 'event' as const,
    });
    await h.profile('p-resend', { revenue_total: 0, revenue_currency: 'EUR' });
    await eventually(() => values('p-resend', 'computed.spend_30d').length === 1, 20_000, 'first values');
    // (at or before the harness clock's now: a later instant is not in the window yet)
    await h.track('p-resend', 'r-1', 'Order Completed', T0 - 3, { order_id: 'A', revenue: 100, currency: 'EUR' }, order('A', 100));
    await h.track('p-resend', 'r-2', 'Order Completed', T0 - 2, { order_id: 'A', revenue: 120, currency: 'EUR' }, order('A', 120)); // the same order again
    await h.track('p-resend', 'r-3', 'Order Completed', T0 - 1, { order_id: 'B', revenue: 50, currency: 'EUR' }, order('B', 50));
    // no order id: itself; no currency on the event, the source's default (kept with it) makes it EUR
    await h.track(
      'p-resend',
      'r-4',
      'Order Completed',
      T0,
      { revenue: 7 },
      { kind: 'order', amount: 7, currency: 'EUR', currencyOrigin: 'source_default' },
    );
    // a yen order is another currency: never added to euros
    await h.track(
      'p-resend',
      'r-5',
      'Order Completed',
      T0,
      { order_id: 'C', revenue: 10_000, currency: 'JPY' },
      { ...order('C', 10_000), currency: 'JPY' },
    );
    // A, B, the one without an id, and the yen order: all five events are in once this counts 4
    await eventually(() => values('p-resend', 'computed.orders_30d').at(-1) === 4, 20_000, 'the five events seen');
    expect(values('p-resend', 'computed.spend_30d').at(-1)).toBe(177);
  });

  it('"orders in the last 30 days" and the LTV band change as orders arrive and as the clock passes day 30, each change announced once', async () => {
    await h.profile('p-c', { revenue_total: 0, revenue_currency: 'EUR' });
    await eventually(() => values('p-c', 'computed.orders_30d').length === 1, 20_000, 'first values');
    expect(values('p-c', 'computed.orders_30d')).toEqual([0]);
    expect(values('p-c', 'prediction.ltv_band')).toEqual(['none']);

    await h.track('p-c', 'o-1', 'Order Completed', T0, { revenue: 150 });
    await eventually(() => values('p-c', 'computed.orders_30d').length === 2, 20_000, 'the first order');
    await h.profile('p-c', { revenue_total: 150, revenue_currency: 'EUR' });
    await eventually(() => values('p-c', 'prediction.ltv_band').length === 2, 20_000, 'band medium');

    await h.clockTo(T0 + 10 * DAY_MS);
    await h.track('p-c', 'o-2', 'Order Completed', T0 + 10 * DAY_MS, { revenue: 600 });
    await h.track('p-c', 'o-2', 'Order Completed', T0 + 10 * DAY_MS, { revenue: 600 }); // a replay counts once
    await eventually(() => values('p-c', 'computed.orders_30d').length === 3, 20_000, 'the second order');
    await h.profile('p-c', { revenue_total: 750, revenue_currency: 'EUR' });
    await eventually(() => values('p-c', 'prediction.ltv_band').length === 3, 20_000, 'band high');

    // no event: the first order leaves the 30 days at exactly T0 + 30 days, the second at T0 + 40 days
    await h.clockTo(T0 + 30 * DAY_MS - 1);
    await h.clockTo(T0 + 30 * DAY_MS + 60_000);
    await eventually(() => values('p-c', 'computed.orders_30d').length === 4, 20_000, 'the first order leaving');
    await h.clockTo(T0 + 40 * DAY_MS + 60_000);
    await eventually(() => values('p-c', 'computed.orders_30d').length === 5, 20_000, 'the second order leaving');
    await h.clockTo(T0 + 40 * DAY_MS + 120_000);

    expect(seriesOf('p-c', 'computed.orders_30d')).toEqual([
      [0, T0],
      [1, T0],
      [2, T0 + 10 * DAY_MS],
      [1, T0 + 30 * DAY_MS],
      [0, T0 + 40 * DAY_MS],
    ]);
    expect(values('p-c', 'prediction.ltv_band')).toEqual(['none', 'medium', 'high']);
    // segments on them: re-decided when the value changes, by an event or by the computed values' due time
    // (the second order is applied before the revenue change that makes the band high: the test waits for it)
    await h.waitForChanges('p-c', ['entered repeat-buyers', 'entered high-ltv', 'exited repeat-buyers']);
    const exit = h.collector.all(Topics.SegmentsMembership).find((m) => m.value.profileId === 'p-c' && m.value.change === 'exited');
    expect(exit?.value).toMatchObject({ segmentId: 'repeat-buyers', at: T0 + 30 * DAY_MS, reason: '$: computed.orders_30d gte 2' });
    const view = await h.http('GET', '/v1/profiles/p-c/segments');
    expect(view.body).toMatchObject({
      profileId: 'p-c',
      computedTraits: { orders_30d: 0 },
      predictions: { ltv_band: 'high', monetary_score: 4 },
    });
    // every message announces a real change: each key's successive values differ
    for (const m of announced('p-c')) for (const c of m.changes) expect(c.value).not.toEqual(c.previous);
  });
});
