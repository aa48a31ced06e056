import type { ComputedTraitDefinition } from '../computed';
import { DAY_MS, eventHistoryOf } from '../rules';
import { decideComputedValues } from './computed-value-decider';
import type { ProfileRow } from './profile-store';
import { SegmentCatalog } from './segment-catalog';

const T0 = Date.UTC(2026, 5, 1);
const orders: ComputedTraitDefinition = { key: 'orders_30d', event: 'Order Completed', aggregate: 'count', window: { days: 30 } };
const logins: ComputedTraitDefinition = { key: 'logins_7d', event: 'Login', aggregate: 'count', window: { days: 7 } };
const catalog = new SegmentCatalog(
  new Map(),
  180,
  new Map([
    [orders.key, orders],
    [logins.key, logins],
  ]),
);
const profile: ProfileRow = {
  profileId: 'p',
  version: 1,
  status: 'active',
  mergedInto: null,
  values: { revenue_total: 0 },
  valuesJson: '{"revenue_total":0}',
  identifiers: [],
  isTest: false,
  dueAt: null,
};
const history = eventHistoryOf([
  { name: 'Order Completed', at: T0, properties: {} },
  { name: 'Login', at: T0, properties: {} },
]);

describe('decideComputedValues', () => {
  it('computes every value on a first computation and announces each', () => {
    const first = decideComputedValues(catalog, profile, history, undefined, new Set(['Order Completed']), T0);
    expect(first.values).toMatchObject({ 'computed.orders_30d': 1, 'computed.logins_7d': 1, 'prediction.ltv_band': 'none' });
    expect(first.changed).toEqual(expect.arrayContaining(['computed.orders_30d', 'computed.logins_7d', 'prediction.ltv_band']));
    expect(first.dueAt).toBe(T0 + 7 * DAY_MS); // the login leaves the 7 days (and the recency score drops) first
  });

  it('on an event recomputes only the traits indexed by its name (and the predictions), keeping the others as stored', () => {
    const stored = { values: { 'computed.orders_30d': 0, 'computed.logins_7d': 99, 'computed.gone': 5 }, dueAt: T0 + 2 * DAY_MS };
    const decision = decideComputedValues(catalog, profile, history, stored, new Set(['Order Completed']), T0);
    expect(decision.values['computed.orders_30d']).toBe(1);
    expect(decision.values['computed.logins_7d']).toBe(99); // not re-read: a Login did not arrive
    expect('computed.gone' in decision.values).toBe(false); // its definition was deleted
    expect(decision.changed).toEqual(expect.arrayContaining(['computed.orders_30d', 'computed.gone']));
    expect(decision.changed).not.toContain('computed.logins_7d');
    // never later than the stored due time, which may belong to a trait not recomputed
    expect(decision.dueAt).toBeLessThanOrEqual(T0 + 2 * DAY_MS);
  });

  it('on its due time ("all") recomputes everything and moves the due time past now', () => {
    const stored = { values: { 'computed.orders_30d': 1, 'computed.logins_7d': 99 }, dueAt: T0 + 7 * DAY_MS };
    const decision = decideComputedValues(catalog, profile, history, stored, 'all', T0 + 7 * DAY_MS);
    expect(decision.values['computed.logins_7d']).toBe(0);
    expect(decision.dueAt).toBeGreaterThan(T0 + 7 * DAY_MS);
  });
});
