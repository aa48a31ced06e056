import fc from 'fast-check';
import { COMPUTED_AGGREGATES, type ComputedTraitDefinition } from './computed-trait-definition';
import { evaluateComputedTrait } from './computed-trait-evaluator';
import type { EventHistory } from '../rules/event-history';
import { DAY_MS } from './time-window';

const T0 = Date.UTC(2026, 0, 1);
// A short kept history, so that "ever" windows close within the generated span.
const HISTORY_DAYS = 20;

/** The brute-force reference: filter the raw occurrences at t and fold them with plain array methods. */
function reference(definition: ComputedTraitDefinition, history: EventHistory, t: number): unknown {
  const days = definition.window === 'ever' ? HISTORY_DAYS : definition.window.days;
  const inWindow = (history.get(definition.event) ?? []).filter(({ at }) => at <= t && t - at < days * DAY_MS);
  if (definition.aggregate === 'count') return inWindow.length;
  const raw = inWindow.map(({ properties }) => properties[definition.property ?? '']);
  const numbers = raw.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const zero = (v: number) => (v === 0 ? 0 : v);
  const prims = raw
    .filter((v) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))
    .map((v) => (typeof v === 'number' ? zero(v) : v));
  switch (definition.aggregate) {
    case 'sum':
      return zero(numbers.reduce((a, b) => a + b, 0));
    case 'avg':
      return numbers.length ? zero(numbers.reduce((a, b) => a + b, 0) / numbers.length) : null;
    case 'min':
      return numbers.length ? zero(Math.min(...numbers)) : null;
    case 'max':
      return numbers.length ? zero(Math.max(...numbers)) : null;
    case 'first':
      return prims.length ? prims[0] : null;
    case 'last':
      return prims.length ? prims[prims.length - 1] : null;
    case 'most_frequent': {
      // Highest count; among equals, the one whose latest occurrence is latest.
      let best: unknown = null;
      let bestKey: [number, number] = [0, -1];
      prims.forEach((v) => {
        const count = prims.filter((w) => w === v).length;
        const last = prims.lastIndexOf(v);
        if (count > bestKey[0] || (count === bestKey[0] && last > bestKey[1])) [best, bestKey] = [v, [count, last]];
      });
      return best;
    }
    default:
      throw new Error('unreachable');
  }
}

// Times on a quarter-day grid (plus a few ms) so that windows often open and close at the same instants.
const atArb = fc.tuple(fc.integer({ min: 0, max: 200 }), fc.constantFrom(0, 0, 1, 999)).map(([q, ms]) => T0 + q * (DAY_MS / 4) + ms);
const valueArb = fc.oneof(
  fc.integer({ min: -3, max: 5 }),
  fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
  fc.constantFrom('a', 'b', '1', true, 1, 0, -0),
  fc.constant({ nested: 1 }),
);
const occurrenceArb = fc.record({ at: atArb, properties: fc.option(fc.record({ p: valueArb }), { nil: {} }) });
const historyArb = fc
  .array(occurrenceArb, { maxLength: 30 })
  .map((items): EventHistory => new Map([['E', [...items].sort((a, b) => a.at - b.at)]]));
const definitionArb = fc
  .record({
    aggregate: fc.constantFrom(...COMPUTED_AGGREGATES),
    window: fc.oneof(
      fc.constant('ever' as const),
      fc.constantFrom(1, 2, 7, 30).map((days) => ({ days })),
    ),
  })
  .map(({ aggregate, window }): ComputedTraitDefinition => ({
    key: 'k',
    event: 'E',
    aggregate,
    window,
    ...(aggregate === 'count' ? {} : { property: 'p' }),
  }));
const nowArb = fc.integer({ min: 0, max: 210 * 4 }).map((q) => T0 + q * (DAY_MS / 4));

/** Every instant where the reference could change after now: occurrence times and their window ends. */
function checkpoints(definition: ComputedTraitDefinition, history: EventHistory, now: number): number[] {
  const days = definition.window === 'ever' ? HISTORY_DAYS : definition.window.days;
  const out = new Set<number>();
  for (const { at } of history.get('E') ?? [])
    for (const t of [at, at + days * DAY_MS, at - 1, at + days * DAY_MS - 1]) if (t > now) out.add(t);
  return [...out].sort((a, b) => a - b);
}

describe('evaluateComputedTrait against a brute-force scan', () => {
  it('the value at now is the scan at now; it holds on [now, nextChangeAt) and differs at nextChangeAt', () => {
    fc.assert(
      fc.property(definitionArb, historyArb, nowArb, (definition, history, now) => {
        const { value, nextChangeAt } = evaluateComputedTrait(definition, history, now, HISTORY_DAYS);
        expect(value).toEqual(reference(definition, history, now));
        const end = nextChangeAt ?? Number.POSITIVE_INFINITY;
        for (const t of checkpoints(definition, history, now)) {
          if (t < end) expect(reference(definition, history, t)).toEqual(value);
        }
        if (nextChangeAt !== null) {
          expect(nextChangeAt).toBeGreaterThan(now);
          expect(reference(definition, history, nextChangeAt)).not.toEqual(value);
          expect(reference(definition, history, nextChangeAt - 1)).toEqual(value);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
