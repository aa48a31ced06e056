import { DAY_MS, eventHistoryOf } from './event-history';
import type { Rule } from './rule';
import { evaluateSegment, type ProfileFacts } from './rule-evaluator';
import { RuleIndex, ruleReferences } from './rule-references';
import { validateRule } from './rule-schema';
import { dependencyOrder, findCycle } from './segment-graph';

const NOW = Date.UTC(2026, 5, 1);
const facts = (
  values: Record<string, unknown>,
  events: Array<{ name: string; at: number; properties?: Record<string, unknown> }> = [],
  isTest = false,
): ProfileFacts => ({
  values,
  isTest,
  events: eventHistoryOf(events.map((e) => ({ properties: {}, ...e }))),
});

/** Seed 002: "contract ends within 30 days and renewal not confirmed". */
const churn: Rule = {
  all: [
    { trait: 'traits.contract_end_date', op: 'withinNextDays', days: 30 },
    { trait: 'traits.renewal_status', op: 'neq', value: 'confirmed' },
  ],
};

describe('rule schema', () => {
  it('accepts the seed 002 churn rule and every condition kind', () => {
    expect(validateRule(churn)).toEqual({ ok: true, rule: churn });
    const everything: Rule = {
      any: [
        { not: { trait: 'traits.plan', op: 'in', value: ['free', 'trial'] } },
        { trait: 'traits.tags', op: 'contains', value: 'vip' },
        { trait: 'traits.x', op: 'exists' },
        { trait: 'traits.d', op: 'betweenDaysFromNow', from: -10, to: 5 },
        { event: 'Order Completed', where: [{ property: 'total', op: 'gte', value: 50 }], atLeast: 2, inLastDays: 7 },
        { event: 'Login', lastDone: { op: 'moreThanDaysAgo', days: 30 } },
        { consent: 'marketing', is: 'granted' },
        { segment: 'vip' },
      ],
    };
    expect(validateRule(everything).ok).toBe(true);
  });

  it.each([
    [
      {
        all: [
          { trait: 'traits.a', op: 'eq', value: 1 },
          { trait: 'traits.b', op: 'bogus', value: 1 },
        ],
      },
      '/all/1/op',
      'must be one of',
    ],
    [{ all: [] }, '/all', 'must NOT have fewer than 1 items'],
    [{ any: [{ event: 'X', where: [{ property: 'p', op: 'gt' }] }] }, '/any/0/where/0/value', 'is required'],
    [{ trait: 'traits.d', op: 'withinNextDays' }, '/days', 'is required'],
    [{ trait: 'traits.d', op: 'betweenDaysFromNow', from: 5, to: 1 }, '/from', 'must not be greater than to'],
    [{ event: 'X', atLeast: 1, lastDone: { op: 'withinLastDays', days: 3 } }, '', 'cannot go together'],
    [{ not: { colour: 'red' } }, '/not', 'must have one of the keys'],
    [{ trait: 'traits.a', op: 'eq', value: 1, extra: true }, '/extra', 'is not a known key here'],
    [{ event: 'X', atLeast: 3, atMost: 1 }, '/atMost', 'must be at least atLeast'],
    ['nope', '', 'must be an object'],
    [{ trait: 'traits.a', op: 'nope' }, '/op', 'must be one of'],
    [{ trait: 'contract_end_date', op: 'withinNextDays', days: 30 }, '/trait', 'did you mean "traits.contract_end_date"?'],
    [
      {
        all: [
          { trait: 'email', op: 'exists' },
          { trait: 'revenu_total', op: 'gt', value: 1 },
        ],
      },
      '/all/1/trait',
      'names no profile value',
    ],
  ])('refuses %j at %j', (rule, path, message) => {
    const result = validateRule(rule);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.path).toBe(path);
      expect(result.message).toContain(message);
    }
  });
});

describe('trait conditions', () => {
  it.each([
    [{ op: 'eq', value: 'pro' }, 'pro', true],
    [{ op: 'eq', value: 'pro' }, undefined, false],
    [{ op: 'neq', value: 'pro' }, 'free', true],
    [{ op: 'neq', value: 'pro' }, undefined, true],
    [{ op: 'neq', value: 'pro' }, 'pro', false],
    [{ op: 'in', value: ['a', 'b'] }, 'b', true],
    [{ op: 'in', value: ['a', 'b'] }, 'c', false],
    [{ op: 'contains', value: 'ell' }, 'hello', true],
    [{ op: 'contains', value: 'vip' }, ['vip', 'x'], true],
    [{ op: 'contains', value: 'z' }, 'hello', false],
    [{ op: 'gt', value: 10 }, 11, true],
    [{ op: 'gt', value: 10 }, 10, false],
    [{ op: 'gte', value: 10 }, 10, true],
    [{ op: 'lt', value: 10 }, 9, true],
    [{ op: 'lte', value: 10 }, 10, true],
    [{ op: 'lt', value: 10 }, '9', false],
    [{ op: 'gt', value: '2026-01-01' }, '2026-02-01T00:00:00Z', true],
    [{ op: 'exists' }, 0, true],
    [{ op: 'exists' }, null, false],
    [{ op: 'exists', value: false }, undefined, true],
    [{ op: 'eq', value: { a: 1, b: 2 } }, { b: 2, a: 1 }, true],
  ])('%j on %j is %s', (condition, actual, expected) => {
    const rule = { trait: 'traits.t', ...condition } as Rule;
    expect(evaluateSegment({ rule }, facts({ 'traits.t': actual }), NOW).matched).toBe(expected);
  });

  it('seed 002: enters exactly 30 days before the contract end, and says when', () => {
    const end = NOW + 40 * DAY_MS;
    const profile = facts({ 'traits.contract_end_date': new Date(end).toISOString(), 'traits.renewal_status': 'pending' });
    const before = evaluateSegment({ rule: churn }, profile, NOW);
    expect(before).toMatchObject({ matched: false, next: end - 30 * DAY_MS });
    const at = evaluateSegment({ rule: churn }, profile, end - 30 * DAY_MS);
    expect(at.matched).toBe(true);
    expect(at.next).toBe(end + 1);
    expect(at.decisive).toEqual([
      '$.all[0]: traits.contract_end_date within the next 30 days',
      '$.all[1]: traits.renewal_status neq "confirmed"',
    ]);
    expect(evaluateSegment({ rule: churn }, profile, end + 1)).toMatchObject({ matched: false, next: null });
    const renewed = evaluateSegment({ rule: churn }, facts({ ...profile.values, 'traits.renewal_status': 'confirmed' }), end - DAY_MS);
    expect(renewed).toMatchObject({ matched: false, decisive: ['$.all[1]: traits.renewal_status neq "confirmed"'] });
  });

  it('explains through not, all and any: each decisive condition by its path, once per enclosing not', () => {
    const rule: Rule = {
      any: [
        { not: { all: [{ trait: 'traits.plan', op: 'eq', value: 'pro' }, { not: { consent: 'email', is: 'granted' } }] } },
        { event: 'Login', atLeast: 2, inLastDays: 7 },
      ],
    };
    const pro = facts({ 'traits.plan': 'pro', 'consent.email': false }, [{ name: 'Login', at: NOW - DAY_MS }]);
    // any false: every child decided it
    expect(evaluateSegment({ rule }, pro, NOW)).toEqual({
      matched: false,
      next: NOW + 6 * DAY_MS,
      decisive: [
        'not $.any[0].not.all[0]: traits.plan eq "pro"',
        'not not $.any[0].not.all[1].not: consent email granted',
        '$.any[1]: Login at least 2 times in the last 7 days',
      ],
    });
    // any true: the first child that made it; asking twice gives the same, unchanged answer
    const free = facts({ 'traits.plan': 'free' });
    for (let i = 0; i < 2; i++)
      expect(evaluateSegment({ rule }, free, NOW).decisive).toEqual(['not $.any[0].not.all[0]: traits.plan eq "pro"']);
  });

  it('without an explanation, the same decision and next change, and no reason built', () => {
    const profile = facts({ 'traits.contract_end_date': new Date(NOW + 10 * DAY_MS).toISOString(), 'traits.renewal_status': 'pending' });
    const explained = evaluateSegment({ rule: churn }, profile, NOW);
    expect(evaluateSegment({ rule: churn }, profile, NOW, undefined, false)).toEqual({
      matched: explained.matched,
      next: explained.next,
      decisive: [],
    });
  });

  it('more than N days ago and between N and M days from now', () => {
    const date = new Date(NOW).toISOString();
    const ago: Rule = { trait: 'traits.d', op: 'moreThanDaysAgo', days: 10 };
    expect(evaluateSegment({ rule: ago }, facts({ 'traits.d': date }), NOW + 10 * DAY_MS)).toMatchObject({
      matched: false,
      next: NOW + 10 * DAY_MS + 1,
    });
    expect(evaluateSegment({ rule: ago }, facts({ 'traits.d': date }), NOW + 10 * DAY_MS + 1)).toMatchObject({ matched: true, next: null });
    const between: Rule = { trait: 'traits.d', op: 'betweenDaysFromNow', from: 2, to: 5 };
    expect(evaluateSegment({ rule: between }, facts({ 'traits.d': date }), NOW - 6 * DAY_MS)).toMatchObject({
      matched: false,
      next: NOW - 5 * DAY_MS,
    });
    expect(evaluateSegment({ rule: between }, facts({ 'traits.d': date }), NOW - 3 * DAY_MS)).toMatchObject({
      matched: true,
      next: NOW - 2 * DAY_MS + 1,
    });
    expect(evaluateSegment({ rule: between }, facts({ 'traits.d': 'not a date' }), NOW).matched).toBe(false);
  });
});

describe('event conditions', () => {
  const orders = (...ats: number[]) =>
    ats.map((at, i) => ({ name: 'Order Completed', at, properties: { total: 10 * (i + 1), product: { sku: `s${i}` } } }));
  const twiceInAWeek: Rule = { event: 'Order Completed', atLeast: 2, inLastDays: 7 };

  it('the window case: enters on the second order and exits 7 days after the older one', () => {
    const t1 = NOW - 3 * DAY_MS;
    expect(evaluateSegment({ rule: twiceInAWeek }, facts({}, orders(t1)), NOW)).toMatchObject({ matched: false, next: t1 + 7 * DAY_MS });
    const both = facts({}, orders(t1, NOW));
    expect(evaluateSegment({ rule: twiceInAWeek }, both, NOW)).toMatchObject({ matched: true, next: t1 + 7 * DAY_MS });
    expect(evaluateSegment({ rule: twiceInAWeek }, both, t1 + 7 * DAY_MS - 1).matched).toBe(true);
    expect(evaluateSegment({ rule: twiceInAWeek }, both, t1 + 7 * DAY_MS).matched).toBe(false);
  });

  it('filters on properties (dotted paths too), counts exactly / at most / ever, and first / last done', () => {
    const history = facts({}, orders(NOW - 20 * DAY_MS, NOW - 10 * DAY_MS, NOW - DAY_MS));
    const check = (rule: Rule) => evaluateSegment({ rule }, history, NOW).matched;
    expect(check({ event: 'Order Completed', where: [{ property: 'total', op: 'gte', value: 20 }], exactly: 2 })).toBe(true);
    expect(check({ event: 'Order Completed', where: [{ property: 'product.sku', op: 'eq', value: 's0' }], atLeast: 1 })).toBe(true);
    expect(check({ event: 'Order Completed', atMost: 1, inLastDays: 5 })).toBe(true);
    expect(check({ event: 'Order Completed', atMost: 2 })).toBe(false);
    expect(check({ event: 'Order Completed', firstDone: { op: 'moreThanDaysAgo', days: 15 } })).toBe(true);
    expect(check({ event: 'Order Completed', lastDone: { op: 'moreThanDaysAgo', days: 15 } })).toBe(false);
    expect(check({ event: 'Order Completed', lastDone: { op: 'withinLastDays', days: 2 } })).toBe(true);
    expect(check({ event: 'Never Done', atMost: 0 })).toBe(true);
    expect(check({ event: 'Never Done', lastDone: { op: 'moreThanDaysAgo', days: 1 } })).toBe(false);
  });

  it('"ever" and first / last done read the kept history as a window: an event leaves at its time + historyDays, trimmed or not', () => {
    const old = NOW - 100 * DAY_MS;
    const history = { ...facts({}, orders(old)), historyDays: 180 };
    const ever: Rule = { event: 'Order Completed', atLeast: 1 };
    expect(evaluateSegment({ rule: ever }, history, NOW)).toMatchObject({ matched: true, next: old + 180 * DAY_MS });
    expect(evaluateSegment({ rule: ever }, history, old + 180 * DAY_MS - 1).matched).toBe(true);
    expect(evaluateSegment({ rule: ever }, history, old + 180 * DAY_MS)).toMatchObject({ matched: false, next: null });
    const lastDone: Rule = { event: 'Order Completed', lastDone: { op: 'moreThanDaysAgo', days: 30 } };
    expect(evaluateSegment({ rule: lastDone }, history, NOW)).toMatchObject({ matched: true, next: old + 180 * DAY_MS });
    expect(evaluateSegment({ rule: lastDone }, history, old + 180 * DAY_MS).matched).toBe(false);
    expect(evaluateSegment({ rule: ever }, { ...history, historyDays: 90 }, NOW).matched).toBe(false);
  });
});

describe('computed-trait and prediction conditions', () => {
  it("compare the profile's computed values like traits, are indexed by their field, and name their path when wrong", () => {
    const profile = facts({ 'computed.orders_30d': 2, 'prediction.ltv_band': 'high' });
    expect(evaluateSegment({ rule: { computed: 'orders_30d', op: 'gte', value: 2 } }, profile, NOW)).toMatchObject({
      matched: true,
      next: null,
    });
    expect(evaluateSegment({ rule: { prediction: 'ltv_band', op: 'eq', value: 'high' } }, profile, NOW).decisive).toEqual([
      '$: prediction.ltv_band eq "high"',
    ]);
    expect(evaluateSegment({ rule: { computed: 'unknown_trait', op: 'exists', value: false } }, profile, NOW).matched).toBe(true);
    expect(
      new RuleIndex([
        {
          id: 's',
          rule: {
            all: [
              { computed: 'orders_30d', op: 'gte', value: 2 },
              { prediction: 'churn_risk', op: 'eq', value: 'high' },
            ],
          },
        },
      ]).affected({ fields: ['prediction.churn_risk'] }),
    ).toEqual(new Set(['s']));
    expect(validateRule({ any: [{ prediction: 'ltv', op: 'eq', value: 'high' }] })).toMatchObject({
      ok: false,
      path: '/any/0/prediction',
    });
    expect(validateRule({ computed: 'orders_30d', op: 'gte' })).toMatchObject({ ok: false, path: '/value', message: 'is required' });
  });
});

describe('consent, test profiles, segment references', () => {
  it('consent granted / denied / unknown', () => {
    const granted: Rule = { consent: 'marketing', is: 'granted' };
    const denied: Rule = { consent: 'marketing', is: 'denied' };
    expect(evaluateSegment({ rule: granted }, facts({ 'consent.marketing': true }), NOW).matched).toBe(true);
    expect(evaluateSegment({ rule: denied }, facts({ 'consent.marketing': false }), NOW).matched).toBe(true);
    expect(evaluateSegment({ rule: granted }, facts({}), NOW).matched).toBe(false);
    expect(evaluateSegment({ rule: denied }, facts({}), NOW).matched).toBe(false);
  });

  it('test profiles are excluded unless the segment asks for them', () => {
    const rule: Rule = { trait: 'traits.plan', op: 'eq', value: 'pro' };
    const tester = facts({ 'traits.plan': 'pro' }, [], true);
    expect(evaluateSegment({ rule }, tester, NOW).matched).toBe(false);
    expect(evaluateSegment({ rule, includeTestProfiles: true }, tester, NOW).matched).toBe(true);
  });

  it('refuses cycles and orders segments after those they reference', () => {
    const rules = new Map<string, Rule>([
      ['a', { segment: 'b' }],
      ['b', { all: [{ segment: 'c' }] }],
      ['c', { trait: 'traits.x', op: 'exists' }],
    ]);
    expect(findCycle(rules)).toBeNull();
    expect(dependencyOrder(rules)).toEqual(['c', 'b', 'a']);
    rules.set('c', { not: { segment: 'a' } });
    expect(findCycle(rules)).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map<string, Rule>([['self', { segment: 'self' }]]))).toEqual(['self', 'self']);
  });

  it('a segment condition takes the other decision, with its next change', () => {
    const lookup = (id: string) => ({ matched: id === 'vip', next: 123, decisive: [] });
    expect(evaluateSegment({ rule: { segment: 'vip' } }, facts({}), NOW, lookup)).toMatchObject({ matched: true, next: 123 });
  });
});

describe('the rule index', () => {
  it('lists referenced fields and events, and finds affected segments with their dependents', () => {
    expect(ruleReferences(churn)).toEqual({
      fields: new Set(['traits.contract_end_date', 'traits.renewal_status']),
      events: new Set(),
      segments: new Set(),
    });
    const index = new RuleIndex([
      { id: 'churn', rule: churn },
      { id: 'buyers', rule: { event: 'Order Completed' } },
      { id: 'churning-buyers', rule: { all: [{ segment: 'churn' }, { segment: 'buyers' }] } },
      { id: 'marketable', rule: { consent: 'email', is: 'granted' } },
    ]);
    expect(index.affected({ fields: ['traits.renewal_status'] })).toEqual(new Set(['churn', 'churning-buyers']));
    expect(index.affected({ events: ['Order Completed'] })).toEqual(new Set(['buyers', 'churning-buyers']));
    expect(index.affected({ fields: ['consent.email', 'traits.other'] })).toEqual(new Set(['marketable']));
    expect(index.affected({ events: ['Page Viewed'] })).toEqual(new Set());
  });
});
