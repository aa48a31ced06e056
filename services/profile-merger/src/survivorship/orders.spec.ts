import * as fc from 'fast-check';
import type { ResolvedItem } from '@tessera/contracts';
import { buildItem, itemSpecArbitrary, shuffle } from '../test-support/item-arbitraries.fixture';
import { observeItem } from './item-observer';
import type { MoneyContext } from './lifetime-value';
import { emptyProfileState, type ProfileState } from './profile-state';
import { joinProfileState } from './profile-state-join';
import { segmentableValues } from './segmentable-values';
import { identifyItem, trackItem } from '../test-support/test-items.fixture';

const config = { sources: new Map<string, number>(), fields: new Map<string, Map<string, number>>() };
const USD: MoneyContext = { reportingCurrency: 'USD', rates: new Map([['EUR', { currency: 'EUR', rate: 1.1, date: '2026-12-01' }]]) };

const fold = (items: readonly ResolvedItem[]): ProfileState =>
  items.reduce((state, item) => joinProfileState(state, observeItem(item, config)), emptyProfileState());
const values = (items: readonly ResolvedItem[], money: MoneyContext = USD) => segmentableValues(fold(items), null, money);

const order = (
  messageId: string,
  at: number,
  orderId: string | null,
  amount: number | null,
  currency: string | null,
  extra: Partial<Parameters<typeof trackItem>[0]> = {},
) =>
  trackItem({
    messageId,
    sourceId: 'web',
    at,
    event: 'Order Completed',
    revenue: amount,
    properties: orderId ? { order_id: orderId } : {},
    commerce: { kind: 'order', orderId, amount, currency, currencyOrigin: currency ? 'event' : 'missing' },
    ...extra,
  });
const refund = (messageId: string, at: number, orderId: string, amount: number | null, currency: string | null = null) =>
  trackItem({
    messageId,
    sourceId: 'web',
    at,
    event: 'Order Refunded',
    properties: { order_id: orderId },
    commerce: { kind: 'refund', orderId, amount, currency, currencyOrigin: currency ? 'event' : 'missing' },
  });

describe('orders and lifetime value (Segment e-commerce spec)', () => {
  it('only order events count: Checkout Started and Product Added carrying revenue never add to LTV', () => {
    const checkout = trackItem({
      messageId: 'c1',
      sourceId: 'web',
      at: 1000,
      event: 'Checkout Started',
      revenue: 80,
      properties: { order_id: 'o-1' },
    });
    const added = trackItem({ messageId: 'a1', sourceId: 'web', at: 1100, event: 'Product Added', revenue: 20 });
    expect(values([checkout, added])).toMatchObject({ revenue_total: 0, order_count: 0 });
    expect(values([checkout, added, order('o1', 1200, 'o-1', 80, 'USD')])).toMatchObject({
      revenue_total: 80,
      order_count: 1,
      'revenue.USD': 80,
    });
  });

  it('an order resent with a new messageId counts once, whatever the arrival order; the later resend wins', () => {
    const first = order('m1', 1000, 'o-1', 30, 'USD');
    const resend = order('m2', 1000, 'o-1', 30, 'USD');
    const corrected = order('m3', 2000, 'o-1', 35, 'USD');
    for (const items of [
      [first, resend],
      [resend, first],
      [first, corrected, resend],
      [corrected, resend, first],
    ]) {
      const expected = items.includes(corrected) ? 35 : 30;
      expect(values(items)).toMatchObject({ order_count: 1, revenue_total: expected, 'revenue.USD': expected });
    }
  });

  it('Order Refunded subtracts: the whole order without an amount, else its amount; a refund before its order waits for it', () => {
    const placed = order('m1', 1000, 'o-1', 50, 'USD');
    expect(values([placed, refund('r1', 2000, 'o-1', null)])).toMatchObject({ order_count: 1, revenue_total: 0, 'revenue.USD': 0 });
    expect(values([refund('r1', 2000, 'o-1', 20), placed])).toMatchObject({ order_count: 1, revenue_total: 30 });
    // a resent refund subtracts once
    expect(values([placed, refund('r1', 2000, 'o-1', 20), refund('r2', 2000, 'o-1', 20)])).toMatchObject({ revenue_total: 30 });
    const orphan = values([refund('r9', 2000, 'o-9', 10, 'USD')]);
    expect(orphan).toMatchObject({ revenue_total: 0, order_count: 0, revenue_flags: ['refund_without_order'] });
  });

  it('currencies are never summed raw: totals per currency, one total in the reporting currency at the rate table', () => {
    const items = [order('m1', 1000, 'o-1', 100, 'EUR'), order('m2', 2000, 'o-2', 10, 'USD')];
    expect(values(items)).toMatchObject({
      'revenue.EUR': 100,
      'revenue.USD': 10,
      revenue_total: 120,
      revenue_currency: 'USD',
      order_count: 2,
    });
    expect(values(items)).not.toHaveProperty('revenue_flags');
  });

  it('an order in a currency without a rate is counted in its currency and flagged, never converted 1:1', () => {
    const items = [order('m1', 1000, 'o-1', 1000, 'JPY'), order('m2', 2000, 'o-2', 10, 'USD')];
    expect(values(items)).toMatchObject({
      'revenue.JPY': 1000,
      'revenue.USD': 10,
      revenue_total: 10,
      order_count: 2,
      revenue_flags: ['missing_rate:JPY'],
    });
  });

  it('an order without any currency (none on the event, none on the source) is counted and flagged', () => {
    expect(values([order('m1', 1000, 'o-1', 7, null)])).toMatchObject({
      order_count: 1,
      revenue_total: 0,
      revenue_without_currency: 7,
      revenue_flags: ['missing_currency'],
    });
  });

  it('an order without an amount (no revenue or total) is counted and flagged, so a low lifetime value says why', () => {
    expect(values([order('m1', 1000, 'o-1', null, 'USD'), order('m2', 2000, 'o-2', 10, 'USD')])).toMatchObject({
      order_count: 2,
      revenue_total: 10,
      revenue_flags: ['missing_amount'],
    });
    // a later resend that carries the amount clears the flag
    expect(values([order('m1', 1000, 'o-1', null, 'USD'), order('m3', 3000, 'o-1', 12, 'USD')])).not.toHaveProperty('revenue_flags');
  });

  it('two profiles holding the same order merge into one order', () => {
    const left = fold([order('m1', 1000, 'o-1', 40, 'USD'), order('m2', 1500, 'o-2', 5, 'USD')]);
    const right = fold([order('m3', 1000, 'o-1', 40, 'USD')]);
    expect(segmentableValues(joinProfileState(left, right), null, USD)).toMatchObject({ order_count: 2, revenue_total: 45 });
  });

  it('items resolved before validation attached commerce facts count the old way: Order Completed only', () => {
    // the fixture's v1 items carry the lifted currency EUR, as validation v1 wrote it
    const legacy = order('m1', 1000, null, 12, null, { commerce: null, properties: { order_id: 'o-1', revenue: 12 } });
    const legacyResend = order('m2', 1000, null, 12, null, { commerce: null, properties: { order_id: 'o-1', revenue: 12 } });
    const legacyCheckout = trackItem({
      messageId: 'c1',
      sourceId: 'web',
      at: 1000,
      event: 'Checkout Started',
      revenue: 99,
      commerce: null,
    });
    expect(values([legacy, legacyResend, legacyCheckout])).toMatchObject({ order_count: 1, 'revenue.EUR': 12, revenue_total: 13.2 });
  });
});

describe('test traffic', () => {
  it("never changes a real profile's revenue, order count, event counts or traits", () => {
    const real = [
      identifyItem({ messageId: 'i1', sourceId: 'web', at: 1000, traits: { plan: 'pro' } }),
      order('m1', 2000, 'o-1', 10, 'USD'),
    ];
    const test = [
      {
        ...identifyItem({ messageId: 'i2', sourceId: 'web', at: 3000, traits: { plan: 'qa', email: 'qa@example.com' } }),
        event: {
          ...identifyItem({ messageId: 'i2', sourceId: 'web', at: 3000, traits: { plan: 'qa', email: 'qa@example.com' } }).event!,
          isTest: true,
        },
      },
      order('m2', 3000, 'o-2', 500, 'USD', { isTest: true }),
      trackItem({ messageId: 't1', sourceId: 'web', at: 4000, event: 'Viewed', isTest: true }),
    ];
    expect(values([...real, ...test])).toEqual(values(real));
    const state = fold([...real, ...test]);
    expect({ items: state.itemCount, isTest: !state.hasNonTestItem }).toEqual({ items: 5, isTest: false });
  });

  it('a profile of test items only is kept (item count, identifiers) and marked as test', () => {
    const state = fold(
      [trackItem({ messageId: 't1', sourceId: 'web', at: 1000, event: 'Viewed', isTest: true })].map((item) => ({
        ...item,
        identifiers: [{ type: 'user_id', value: 'qa-1' }],
      })),
    );
    expect({ items: state.itemCount, isTest: !state.hasNonTestItem, ids: [...state.identifiers] }).toEqual({
      items: 1,
      isTest: true,
      ids: ['user_id:qa-1'],
    });
    expect(segmentableValues(state, null, USD)).toEqual({ revenue_total: 0, order_count: 0 });
  });

  it('property: any stream gives the values of its real items alone, in any order and any two-profile split', () => {
    fc.assert(
      fc.property(fc.array(itemSpecArbitrary, { minLength: 1, maxLength: 25 }), fc.nat(), (specs, seed) => {
        const items = specs.map((spec, index) => buildItem(spec, `m-${index.toString().padStart(3, '0')}`, 'p-1'));
        const real = items.filter((item) => !(item.event?.isTest ?? false));
        const shuffled = shuffle(items, seed);
        const half = Math.floor(shuffled.length / 2);
        const merged = joinProfileState(fold(shuffled.slice(half)), fold(shuffled.slice(0, half)));
        const expected = values(real);
        expect(values(shuffled)).toEqual(expected);
        expect(segmentableValues(merged, null, USD)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
