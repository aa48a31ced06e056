import type { EventHistory } from '../rules/event-history';
import { changedComputedKeys, evaluateProfileComputedValues } from './profile-computed-values';
import { DAY_MS } from './time-window';

const T0 = Date.UTC(2026, 0, 1);
const day = (n: number) => T0 + n * DAY_MS;
const occ = (ats: number[], properties: Record<string, unknown> = {}) => ats.map((at) => ({ at, properties }));
const orders30d = { key: 'orders_30d', event: 'Order Completed', aggregate: 'count' as const, window: { days: 30 } };

describe('evaluateProfileComputedValues', () => {
  // Orders on days 0 and 20 (revenue 150 in all), page views on days 1 and 21; now day 25.
  const history: EventHistory = new Map([
    ['Order Completed', occ([day(0), day(20)], { revenue: 75 })],
    ['Page Viewed', occ([day(1), day(21)])],
  ]);
  const profileValues = { revenue_total: 150, revenue_currency: 'USD', order_count: 2 };

  it('gives computed.<key> and prediction.<name> values and the earliest due time', () => {
    const { values, nextChangeAt } = evaluateProfileComputedValues([orders30d], history, profileValues, day(25));
    expect(values).toEqual({
      'computed.orders_30d': 2,
      'prediction.recency_score': 5,
      'prediction.frequency_score': 3, // 4 active days in 90: >= 1 and >= 3
      'prediction.monetary_score': 3,
      'prediction.rfm': '533',
      'prediction.ltv_band': 'medium',
      // Active days 0, 1, 20, 21: gaps 1, 19, 1, median 1 day; 4 days since day 21 is 4 intervals.
      'prediction.churn_risk': 'high',
      // Last 7 days (day 18, 25]: days 20 and 21; the 28 before: days 0 and 1. (2/7) / (2/28) = 4.
      'prediction.engagement_momentum': 'rising',
      'prediction.engagement_ratio': 4,
      'prediction.conversion_likelihood': 'none',
    });
    // Due times: momentum at day 27 (day 20 crosses 7 days back: (1/7) / (3/28), steady), recency at day 28,
    // orders_30d at day 30; churn is already high.
    expect(nextChangeAt).toBe(day(27));
  });

  it("the issue's story: orders in the last 30 days and the LTV band move as orders arrive and as time passes", () => {
    const order = (...days: number[]): EventHistory => new Map([['Order Completed', occ(days.map(day))]]);
    const keys = (r: { values: Record<string, unknown> }) => [r.values['computed.orders_30d'], r.values['prediction.ltv_band']];
    // First order on day 0 (lifetime value 80): one order, band low.
    const first = evaluateProfileComputedValues([orders30d], order(0), { revenue_total: 80, revenue_currency: 'USD' }, day(0));
    expect(keys(first)).toEqual([1, 'low']);
    expect(first.nextChangeAt).toBe(day(7)); // recency 5 -> 4 and momentum new -> declining
    // Second order on day 10 (lifetime value 180): two orders, band medium.
    const second = evaluateProfileComputedValues([orders30d], order(0, 10), { revenue_total: 180, revenue_currency: 'USD' }, day(10));
    expect(keys(second)).toEqual([2, 'medium']);
    expect(changedComputedKeys(first.values, second.values)).toContain('computed.orders_30d');
    // No new event: the day-0 order leaves the 30 days at exactly day 30, the day-10 one at day 40; the band stays.
    const orders30dOnly = (t: number) => evaluateProfileComputedValues([orders30d], order(0, 10), { revenue_total: 180 }, t);
    expect(orders30dOnly(day(30) - 1).values['computed.orders_30d']).toBe(2);
    expect(orders30dOnly(day(30)).values['computed.orders_30d']).toBe(1);
    expect(orders30dOnly(day(40)).values['computed.orders_30d']).toBe(0);
    expect(orders30dOnly(day(40)).values['prediction.ltv_band']).toBe('medium');
  });

  it('announces only what changed', () => {
    expect(changedComputedKeys({ a: 1, b: 'x', c: null }, { a: 1, b: 'y', d: 2 })).toEqual(['b', 'c', 'd']);
  });
});
