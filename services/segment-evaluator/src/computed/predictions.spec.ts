import { occurrencesOf } from './activity';
import { churnRisk } from './churn-risk';
import { conversionLikelihood } from './conversion-likelihood';
import { engagementMomentum } from './engagement-momentum';
import type { EventHistory } from '../rules/event-history';
import { ltvBand } from './ltv-band';
import { DEFAULT_PREDICTION_CONFIG as config } from './prediction-config';
import { evaluatePredictions } from './predictions';
import { frequencyScore, monetaryScore, recencyScore } from './rfm-scores';
import { DAY_MS } from './time-window';

const T0 = Date.UTC(2026, 0, 1);
const day = (n: number) => T0 + n * DAY_MS;
const HOUR = 3_600_000;
const history = (events: Record<string, number[]>): EventHistory =>
  new Map(Object.entries(events).map(([name, ats]) => [name, ats.map((at) => ({ at, properties: {} }))]));
const activity = (...ats: number[]) => occurrencesOf(history({ 'Page Viewed': ats }), null);

describe('recency score', () => {
  it('is 5 within 7 days of the last activity and drops to 4 at exactly last + 7 days', () => {
    expect(recencyScore(activity(day(0)), day(3), config)).toEqual({ value: { score: 5, lastActivityAt: day(0) }, nextChangeAt: day(7) });
    expect(recencyScore(activity(day(0)), day(7), config)).toEqual({ value: { score: 4, lastActivityAt: day(0) }, nextChangeAt: day(30) });
  });

  it('is 1 with no activity in 180 days (the kept history), and stays there', () => {
    expect(recencyScore(activity(day(0)), day(179), config)).toEqual({
      value: { score: 2, lastActivityAt: day(0) },
      nextChangeAt: day(180),
    });
    expect(recencyScore(activity(day(0)), day(200), config)).toEqual({ value: { score: 1, lastActivityAt: null }, nextChangeAt: null });
    expect(recencyScore(activity(), day(0), config)).toEqual({ value: { score: 1, lastActivityAt: null }, nextChangeAt: null });
  });
});

describe('frequency score', () => {
  it('counts distinct active UTC days in 90 days: 3 days scores 3, and drops when the last event of day 0 leaves', () => {
    // Day 0 has two events; the first leaving at day 90 changes nothing, the second (1 h later) does.
    const a = activity(day(0), day(0) + HOUR, day(10), day(20));
    expect(frequencyScore(a, day(25), config)).toEqual({ value: { score: 3, activeDays: 3 }, nextChangeAt: day(90) + HOUR });
  });
});

describe('monetary score and LTV band', () => {
  it('bands the lifetime value in the reporting currency', () => {
    const values = { revenue_total: 250, revenue_currency: 'USD', order_count: 2 };
    expect(ltvBand(values, config)).toEqual({
      value: { band: 'medium', lifetimeValue: 250, currency: 'USD', partial: false },
      nextChangeAt: null,
    });
    expect(monetaryScore(250, true, config).value.score).toBe(3);
  });

  it('no orders or refunded to zero is band none and score 1', () => {
    expect(ltvBand({ revenue_total: 0, order_count: 0 }, config).value.band).toBe('none');
    expect(monetaryScore(0, true, config).value.score).toBe(1);
    expect(monetaryScore(null, true, config).value.score).toBe(1);
  });

  it('flags a lifetime value that leaves out a currency without a rate', () => {
    expect(ltvBand({ revenue_total: 2500, revenue_currency: 'USD', revenue_flags: ['missing_rate:JPY'] }, config).value).toEqual({
      band: 'top',
      lifetimeValue: 2500,
      currency: 'USD',
      partial: true,
    });
  });

  it('gives no band when the reporting currency is not the thresholds currency', () => {
    const eur = { ...config, ltvCurrency: 'EUR' };
    expect(ltvBand({ revenue_total: 250, revenue_currency: 'USD' }, eur).value).toMatchObject({ band: null, reason: 'currency_mismatch' });
    expect(evaluatePredictions(new Map(), { revenue_total: 250, revenue_currency: 'USD' }, day(0), eur).monetary.value.score).toBeNull();
  });
});

describe('churn risk', () => {
  // Active days 0, 2, 4, 7: gaps 2, 2, 3, median 2 days; the last activity is day 7.
  const a = activity(day(0), day(2), day(4), day(7));

  it('is low within 2 usual intervals, medium from 2 (day 11), high from 4 (day 15)', () => {
    const atStart = churnRisk(a, day(7) + 12 * HOUR, config);
    expect(atStart.value).toEqual({ risk: 'low', ratio: 0.25, usualIntervalDays: 2, lastActivityAt: day(7) });
    expect(atStart.nextChangeAt).toBe(day(11));
    expect(churnRisk(a, day(11), config)).toMatchObject({ value: { risk: 'medium', ratio: 2 }, nextChangeAt: day(15) });
    // High until the history (180 days) no longer holds 2 gaps: day 0 leaves at day 180 (gaps 2, 3: still high),
    // day 2 at day 182 (one gap): unknown.
    expect(churnRisk(a, day(15), config)).toMatchObject({ value: { risk: 'high', ratio: 4 }, nextChangeAt: day(182) });
    expect(churnRisk(a, day(182), config).value).toMatchObject({ risk: 'unknown', lastActivityAt: day(7) });
  });

  it('is unknown with fewer than 2 gaps: no guess', () => {
    expect(churnRisk(activity(day(0), day(5)), day(60), config)).toEqual({
      value: { risk: 'unknown', ratio: null, usualIntervalDays: null, lastActivityAt: day(5) },
      nextChangeAt: null,
    });
  });
});

describe('engagement momentum', () => {
  // Now day 40: recent (day 33, day 40] has 4 events, previous (day 5, day 33] has 8: (4/7) / (8/28) = 2.
  const a = activity(...[10, 12, 14, 16, 18, 20, 22, 24].map(day), ...[34, 35, 36, 37].map(day));

  it('compares events per day of the last 7 days with the 28 before', () => {
    expect(engagementMomentum(a, day(40), config)).toEqual({
      value: { label: 'rising', recentEvents: 4, previousEvents: 8, ratio: 2 },
      nextChangeAt: day(41),
    });
    // At day 41 the day-34 event moves to the previous period: (3/7) / (9/28) = 4/3, steady.
    expect(engagementMomentum(a, day(41), config).value).toEqual({ label: 'steady', recentEvents: 3, previousEvents: 9, ratio: 4 / 3 });
  });

  it('an exact 2/3 is declining although 5/7 / (30/28) is 0.6666666666666667 in floating point', () => {
    const previous = Array.from({ length: 30 }, (_, i) => day(10) + i * HOUR);
    const recent = Array.from({ length: 5 }, (_, i) => day(36) + i * HOUR);
    expect(engagementMomentum(activity(...previous, ...recent), day(40), config).value).toMatchObject({
      label: 'declining',
      recentEvents: 5,
      previousEvents: 30,
    });
  });

  it('is new with only recent events and inactive with none', () => {
    expect(engagementMomentum(activity(day(1)), day(2), config).value).toEqual({
      label: 'new',
      recentEvents: 1,
      previousEvents: 0,
      ratio: null,
    });
    expect(engagementMomentum(activity(day(1)), day(100), config)).toEqual({
      value: { label: 'inactive', recentEvents: 0, previousEvents: 0, ratio: null },
      nextChangeAt: null,
    });
  });
});

describe('conversion likelihood', () => {
  it('takes the furthest funnel step since the last order, in the last 7 days', () => {
    const h = history({ 'Product Viewed': [day(1)], 'Checkout Started': [day(2)], 'Order Completed': [day(3)], 'Product Added': [day(4)] });
    expect(conversionLikelihood(h, day(5), config)).toEqual({
      value: { likelihood: 'medium', step: 'Product Added' },
      nextChangeAt: day(11),
    });
  });

  it('is high after a checkout with no order, until the checkout is 7 days old', () => {
    const h = history({ 'Product Viewed': [day(1)], 'Checkout Started': [day(2)] });
    expect(conversionLikelihood(h, day(5), config)).toEqual({
      value: { likelihood: 'high', step: 'Checkout Started' },
      nextChangeAt: day(9),
    });
  });

  it('an order at the same instant as a step clears it', () => {
    const h = history({ 'Checkout Started': [day(2)], 'Order Completed': [day(2)] });
    expect(conversionLikelihood(h, day(3), config).value).toEqual({ likelihood: 'none', step: null });
  });
});

describe('evaluatePredictions', () => {
  it('gives every prediction and the earliest next change', () => {
    const h = history({ 'Page Viewed': [day(0), day(2), day(4)], 'Checkout Started': [day(5)] });
    const p = evaluatePredictions(h, { revenue_total: 120, revenue_currency: 'USD' }, day(6));
    expect(p.recency.value.score).toBe(5);
    expect(p.frequency.value).toEqual({ score: 3, activeDays: 4 });
    expect(p.monetary.value.score).toBe(3);
    expect(p.ltvBand.value.band).toBe('medium');
    expect(p.churnRisk.value.risk).toBe('low');
    expect(p.engagementMomentum.value.label).toBe('new');
    expect(p.conversionLikelihood.value.likelihood).toBe('high');
    // Gaps 2, 2, 1 -> usual 2 days: medium at day 5 + 4 = day 9; momentum changes at day 0 + 7 = day 7 (first).
    expect(p.nextChangeAt).toBe(day(7));
  });
});
