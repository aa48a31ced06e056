import fc from 'fast-check';
import { compare, instantOf, propertyAt } from './comparisons';
import { DAY_MS, eventHistoryOf } from './event-history';
import { computedField, type RelativeDate, type Rule } from './rule';
import { evaluateSegment, type Decision, type ProfileFacts } from './rule-evaluator';

/**
 * The incremental evaluator (decide at each input, then only at each decision's `next`) against a reference that
 * decides every rule from scratch at any instant. Random event streams, trait changes and clock advances; at
 * random instants between timer firings the incremental membership must equal the reference's. Decisions are made
 * unexplained (as the service makes them) and checked against the explained path.
 */
const T0 = Date.UTC(2026, 0, 1);

// ---- the reference: direct reading of the rule language, no intervals, no next-times ----
function dateHolds(date: number, rel: RelativeDate, now: number): boolean {
  const ahead = date - now; // > 0: in the future
  if (rel.op === 'withinNextDays') return ahead >= 0 && ahead <= (rel.days as number) * DAY_MS;
  if (rel.op === 'withinLastDays') return ahead <= 0 && -ahead <= (rel.days as number) * DAY_MS;
  if (rel.op === 'moreThanDaysAgo') return -ahead > (rel.days as number) * DAY_MS;
  return ahead >= (rel.from as number) * DAY_MS && ahead <= (rel.to as number) * DAY_MS;
}

function reference(
  rule: Rule,
  values: Record<string, unknown>,
  events: Array<{ name: string; at: number; properties: Record<string, unknown> }>,
  now: number,
  segments: Record<string, Rule>,
): boolean {
  const self = (r: Rule) => reference(r, values, events, now, segments);
  if ('all' in rule) return rule.all.every(self);
  if ('any' in rule) return rule.any.some(self);
  if ('not' in rule) return !self(rule.not);
  if ('segment' in rule) return self(segments[rule.segment]);
  if ('consent' in rule) return values[`consent.${rule.consent}`] === (rule.is === 'granted');
  if ('trait' in rule) {
    if (!['withinNextDays', 'withinLastDays', 'moreThanDaysAgo', 'betweenDaysFromNow'].includes(rule.op))
      return compare(values[rule.trait], rule as never);
    const date = instantOf(values[rule.trait]);
    return date !== null && dateHolds(date, rule as RelativeDate, now);
  }
  if ('computed' in rule || 'prediction' in rule) return compare(values[computedField(rule)], rule);
  const done = events.filter(
    (e) =>
      e.name === rule.event &&
      e.at <= now &&
      e.at > now - 180 * DAY_MS &&
      (rule.where ?? []).every((f) => compare(propertyAt(e.properties, f.property), f)),
  );
  if ('firstDone' in rule && rule.firstDone) return done.length > 0 && dateHolds(Math.min(...done.map((e) => e.at)), rule.firstDone, now);
  if ('lastDone' in rule && rule.lastDone) return done.length > 0 && dateHolds(Math.max(...done.map((e) => e.at)), rule.lastDone, now);
  const c = rule as { atLeast?: number; atMost?: number; exactly?: number; inLastDays?: number };
  const n = done.filter((e) => c.inLastDays === undefined || e.at > now - c.inLastDays * DAY_MS).length;
  if (c.exactly !== undefined) return n === c.exactly;
  return n >= (c.atLeast ?? (c.atMost === undefined ? 1 : 0)) && (c.atMost === undefined || n <= c.atMost);
}

// ---- random rules over a small vocabulary, so conditions actually flip ----
const relDate: fc.Arbitrary<RelativeDate> = fc.oneof(
  fc.record({
    op: fc.constantFrom('withinNextDays' as const, 'withinLastDays' as const, 'moreThanDaysAgo' as const),
    days: fc.integer({ min: 0, max: 10 }),
  }),
  fc
    .tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 5 }))
    .map(([from, width]) => ({ op: 'betweenDaysFromNow' as const, from, to: from + width })),
);
const leaf: fc.Arbitrary<Rule> = fc.oneof(
  relDate.map((rel) => ({ trait: 'traits.end', ...rel }) as Rule),
  fc.constantFrom('a', 'b').map((value) => ({ trait: 'traits.status', op: 'eq', value }) as Rule),
  fc.record({
    event: fc.constantFrom('Order', 'Login'),
    atLeast: fc.integer({ min: 0, max: 3 }),
    inLastDays: fc.integer({ min: 1, max: 7 }),
  }),
  fc.record({
    event: fc.constantFrom('Order', 'Login'),
    exactly: fc.integer({ min: 0, max: 2 }),
    inLastDays: fc.integer({ min: 1, max: 7 }),
  }),
  fc.integer({ min: 0, max: 2 }).map((atMost): Rule => ({ event: 'Order', where: [{ property: 'total', op: 'gte', value: 50 }], atMost })),
  relDate.map((rel) => ({ event: 'Login', lastDone: rel }) as Rule),
  relDate.map((rel) => ({ event: 'Order', firstDone: rel }) as Rule),
  fc.constantFrom('granted' as const, 'denied' as const).map((is) => ({ consent: 'email', is })),
);
const ruleArb: fc.Arbitrary<Rule> = fc.letrec<{ rule: Rule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
    tie('rule').map((not) => ({ not })),
  ),
})).rule;

type Input =
  | { kind: 'event'; name: string; offset: number; total: number }
  | { kind: 'trait'; end: number | null; status: string }
  | { kind: 'consent'; value: boolean }
  | { kind: 'advance'; by: number; samples: number[] };
const input: fc.Arbitrary<Input> = fc.oneof(
  fc.record({
    kind: fc.constant('event' as const),
    name: fc.constantFrom('Order', 'Login'),
    offset: fc.integer({ min: -10 * DAY_MS, max: 2 * DAY_MS }),
    total: fc.integer({ min: 0, max: 100 }),
  }),
  fc.record({
    kind: fc.constant('trait' as const),
    end: fc.option(fc.integer({ min: -15 * DAY_MS, max: 15 * DAY_MS }), { nil: null }),
    status: fc.constantFrom('a', 'b'),
  }),
  fc.record({ kind: fc.constant('consent' as const), value: fc.boolean() }),
  fc.record({
    kind: fc.constant('advance' as const),
    by: fc.integer({ min: 1, max: 12 * DAY_MS }),
    samples: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
  }),
);

describe('incremental evaluation with next-change timers equals evaluation from scratch', () => {
  it('over random rules, event streams, trait changes and clock advances', () => {
    fc.assert(
      fc.property(ruleArb, leaf, fc.array(input, { minLength: 1, maxLength: 25 }), (ruleA, extra, inputs) => {
        const segments: Record<string, Rule> = { a: ruleA, b: { all: [{ segment: 'a' }, extra] } };
        const values: Record<string, unknown> = {};
        const events: Array<{ name: string; at: number; properties: Record<string, unknown> }> = [];
        let now = T0;
        const member: Record<string, boolean> = { a: false, b: false };
        const timer: Record<string, number | null> = { a: null, b: null };

        // decide both segments at `at`, as the service does: in dependency order, storing member + timer
        const decide = (at: number) => {
          const facts: ProfileFacts = { values, isTest: false, events: eventHistoryOf(events) };
          const decisions: Record<string, Decision> = {};
          for (const id of ['a', 'b']) {
            // unexplained, as the service decides; the explained evaluation must reach the same decision
            decisions[id] = evaluateSegment({ rule: segments[id] }, facts, at, (ref) => decisions[ref], false);
            const explained = evaluateSegment({ rule: segments[id] }, facts, at, (ref) => decisions[ref], true);
            expect([explained.matched, explained.next]).toEqual([decisions[id].matched, decisions[id].next]);
            member[id] = decisions[id].matched;
            timer[id] = decisions[id].next;
            if (timer[id] !== null) expect(timer[id]).toBeGreaterThan(at);
          }
        };
        const check = (at: number) => {
          for (const id of ['a', 'b'])
            expect([id, at, member[id]]).toEqual([id, at, reference(segments[id], values, events, at, segments)]);
        };

        decide(now); // the profile's first appearance
        for (const step of inputs) {
          if (step.kind === 'advance') {
            const until = now + step.by;
            const samples = step.samples.map((s) => now + Math.floor(s * step.by)).sort((x, y) => x - y);
            // fire due timers in time order; between firings the stored membership must be the true one
            for (;;) {
              const due = [timer.a, timer.b].filter((t): t is number => t !== null && t <= until);
              const nextFire = due.length > 0 ? Math.min(...due) : null;
              while (samples.length > 0 && (nextFire === null || samples[0] < nextFire)) check(samples.shift() as number);
              if (nextFire === null) break;
              // exact to the millisecond: one ms before a firing, nothing has changed yet
              check(nextFire - 1);
              decide(nextFire);
              check(nextFire);
            }
            now = until;
            check(now);
            continue;
          }
          if (step.kind === 'event') events.push({ name: step.name, at: now + step.offset, properties: { total: step.total } });
          if (step.kind === 'trait') {
            if (step.end === null) delete values['traits.end'];
            else values['traits.end'] = new Date(now + step.end).toISOString();
            values['traits.status'] = step.status;
          }
          if (step.kind === 'consent') values['consent.email'] = step.value;
          decide(now);
          check(now);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('an event exactly on the window edge leaves at at + N days, not a millisecond later', () => {
    const rule: Rule = { event: 'Order', atLeast: 1, inLastDays: 1 };
    const facts: ProfileFacts = { values: {}, isTest: false, events: eventHistoryOf([{ name: 'Order', at: T0, properties: {} }]) };
    expect(evaluateSegment({ rule }, facts, T0 + DAY_MS - 1)).toMatchObject({ matched: true, next: T0 + DAY_MS });
    expect(evaluateSegment({ rule }, facts, T0 + DAY_MS)).toMatchObject({ matched: false, next: null });
    expect(reference(rule, {}, [{ name: 'Order', at: T0, properties: {} }], T0 + DAY_MS, {})).toBe(false);
  });
});
