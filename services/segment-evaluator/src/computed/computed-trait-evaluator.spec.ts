import { ComputedTraitDefinition } from './computed-trait-definition';
import { evaluateComputedTrait } from './computed-trait-evaluator';
import { indexComputedTraitsByEvent } from './computed-trait-index';
import type { EventHistory } from '../rules/event-history';
import { DAY_MS } from './time-window';

const T0 = Date.UTC(2026, 0, 1);
const day = (n: number) => T0 + n * DAY_MS;
const orders = (...items: Array<[number, Record<string, unknown>]>): EventHistory =>
  new Map([['Order Completed', items.map(([at, properties]) => ({ at, properties }))]]);
const def = (
  aggregate: ComputedTraitDefinition['aggregate'],
  window: ComputedTraitDefinition['window'],
  property?: string,
): ComputedTraitDefinition => ({
  key: 'k',
  event: 'Order Completed',
  aggregate,
  window,
  ...(property ? { property } : {}),
});

describe('evaluateComputedTrait', () => {
  // Orders on days 0, 3 and 5 with revenues 10, 30, 20; "now" is day 6.
  const history = orders([day(0), { revenue: 10, plan: 'a' }], [day(3), { revenue: 30, plan: 'b' }], [day(5), { revenue: 20, plan: 'b' }]);
  const now = day(6);

  it('counts in a 7-day window and changes when the oldest slides out at its time + 7 days', () => {
    expect(evaluateComputedTrait(def('count', { days: 7 }), history, now)).toEqual({ value: 3, nextChangeAt: day(7) });
    expect(evaluateComputedTrait(def('count', { days: 7 }), history, day(7))).toEqual({ value: 2, nextChangeAt: day(10) });
    expect(evaluateComputedTrait(def('count', { days: 7 }), history, day(12))).toEqual({ value: 0, nextChangeAt: null });
  });

  it('counts ever: the kept history (180 days), as a window, so the oldest leaves at its time + 180 days', () => {
    expect(evaluateComputedTrait(def('count', 'ever'), history, now)).toEqual({ value: 3, nextChangeAt: day(180) });
    expect(evaluateComputedTrait(def('count', 'ever'), history, day(181), 365)).toEqual({ value: 3, nextChangeAt: day(365) });
  });

  it('reads dotted property paths into nested objects, as rule filters do', () => {
    const nested = orders([day(0), { order: { total: 5 } }], [day(1), { 'order.total': 7 }]);
    expect(evaluateComputedTrait(def('sum', { days: 7 }, 'order.total'), nested, day(2)).value).toBe(12);
  });

  it('sums, averages, min and max over the window', () => {
    expect(evaluateComputedTrait(def('sum', { days: 7 }, 'revenue'), history, now)).toEqual({ value: 60, nextChangeAt: day(7) });
    expect(evaluateComputedTrait(def('avg', { days: 7 }, 'revenue'), history, now)).toEqual({ value: 20, nextChangeAt: day(7) });
    expect(evaluateComputedTrait(def('min', { days: 7 }, 'revenue'), history, now)).toEqual({ value: 10, nextChangeAt: day(7) });
    // The max (30, day 3) stays until day 10 although the day-0 order leaves at day 7: no wake-up at day 7.
    expect(evaluateComputedTrait(def('max', { days: 7 }, 'revenue'), history, now)).toEqual({ value: 30, nextChangeAt: day(10) });
    expect(evaluateComputedTrait(def('max', { days: 7 }, 'revenue'), history, day(13))).toEqual({ value: null, nextChangeAt: null });
  });

  it('with a currency, reads only the occurrences in that currency', () => {
    const mixed = orders(
      [day(1), { revenue: 100, currency: 'EUR' }],
      [day(2), { revenue: 10_000, currency: 'JPY' }],
      [day(3), { revenue: 5 }],
    );
    const euros: ComputedTraitDefinition = { ...def('sum', { days: 7 }, 'revenue'), currency: 'EUR' };
    expect(evaluateComputedTrait(euros, mixed, day(4)).value).toBe(100);
    expect(evaluateComputedTrait({ ...def('count', { days: 7 }), currency: 'JPY' }, mixed, day(4)).value).toBe(1);
  });

  it('most frequent, first and last values', () => {
    expect(evaluateComputedTrait(def('most_frequent', { days: 7 }, 'plan'), history, now)).toEqual({ value: 'b', nextChangeAt: day(12) });
    expect(evaluateComputedTrait(def('first', { days: 7 }, 'plan'), history, now)).toEqual({ value: 'a', nextChangeAt: day(7) });
    // "b" at day 3 leaving at day 10 leaves "b" (day 5) as the last: the last value changes only at day 12.
    expect(evaluateComputedTrait(def('last', { days: 7 }, 'plan'), history, now)).toEqual({ value: 'b', nextChangeAt: day(12) });
  });

  it('breaks a most-frequent tie for the most recent value', () => {
    const h = orders([day(0), { plan: 'a' }], [day(1), { plan: 'b' }], [day(2), { plan: 'a' }], [day(3), { plan: 'b' }]);
    expect(evaluateComputedTrait(def('most_frequent', 'ever', 'plan'), h, day(4)).value).toBe('b');
  });

  it('ignores occurrences without a usable value: missing, non-numeric for sums, objects', () => {
    const h = orders([day(0), { revenue: '12' }], [day(1), {}], [day(2), { revenue: 5, plan: { nested: true } }]);
    expect(evaluateComputedTrait(def('sum', 'ever', 'revenue'), h, day(3))).toEqual({ value: 5, nextChangeAt: day(182) });
    expect(evaluateComputedTrait(def('last', 'ever', 'plan'), h, day(3))).toEqual({ value: null, nextChangeAt: null });
    expect(evaluateComputedTrait(def('last', 'ever', 'revenue'), h, day(3)).value).toBe(5);
  });

  it('counts a future-dated occurrence (clock skew) from its own time on', () => {
    const h = orders([day(0), {}], [day(6) + 5_000, {}]);
    expect(evaluateComputedTrait(def('count', { days: 7 }), h, day(6))).toEqual({ value: 1, nextChangeAt: day(6) + 5_000 });
  });

  it('an occurrence leaving and another entering at the same instant is no change', () => {
    const h = orders([day(0), {}], [day(7), {}]);
    expect(evaluateComputedTrait(def('count', { days: 7 }), h, day(6))).toEqual({ value: 1, nextChangeAt: day(14) });
  });

  it('an event the profile never did', () => {
    expect(evaluateComputedTrait(def('count', { days: 30 }), new Map(), now)).toEqual({ value: 0, nextChangeAt: null });
    expect(evaluateComputedTrait(def('sum', { days: 30 }, 'revenue'), new Map(), now)).toEqual({ value: 0, nextChangeAt: null });
  });
});

describe('indexComputedTraitsByEvent', () => {
  it('maps each event name to the definitions that read it', () => {
    const index = indexComputedTraitsByEvent([
      { key: 'orders_30d', event: 'Order Completed', aggregate: 'count', window: { days: 30 } },
      { key: 'spend_30d', event: 'Order Completed', aggregate: 'sum', property: 'revenue', window: { days: 30 } },
      { key: 'last_plan', event: 'Plan Changed', aggregate: 'last', property: 'plan', window: 'ever' },
    ]);
    expect(Object.fromEntries(index)).toEqual({ 'Order Completed': ['orders_30d', 'spend_30d'], 'Plan Changed': ['last_plan'] });
  });
});
