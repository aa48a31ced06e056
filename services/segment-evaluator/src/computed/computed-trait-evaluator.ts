import { windowDaysOf, type ComputedAggregate, type ComputedTraitDefinition } from './computed-trait-definition';
import type { EventHistory, EventOccurrence } from './event-history-shape';
import { withNextChange, type TimedValue } from './next-change';
import { windowEdges, windowRange } from './time-window';

export type ComputedValue = number | string | boolean | null;
type Usable = { at: number; value: ComputedValue };

/**
 * A computed trait's value at `now` and the instant it would next change with no new event (an occurrence leaving
 * the window, or a future-dated one entering it), so the evaluator can set one timer instead of rescanning.
 * Only occurrences carrying a usable property value matter (finite numbers for sum/min/max/avg, JSON primitives for
 * the others): one without the property entering or leaving cannot change the value, so it is not even a candidate.
 */
export function evaluateComputedTrait(definition: ComputedTraitDefinition, history: EventHistory, now: number): TimedValue<ComputedValue> {
  const usable = usableOccurrences(definition, history.get(definition.event) ?? []);
  const days = windowDaysOf(definition.window);
  const valueAt = (t: number): ComputedValue => {
    const [from, to] = windowRange(usable, t, days);
    return aggregate(definition.aggregate, usable, from, to);
  };
  return withNextChange(valueAt, now, windowEdges(usable, now, [days]));
}

function usableOccurrences(definition: ComputedTraitDefinition, occurrences: ReadonlyArray<EventOccurrence>): Usable[] {
  if (definition.aggregate === 'count') return occurrences.map(({ at }) => ({ at, value: null }));
  const numeric = ['sum', 'min', 'max', 'avg'].includes(definition.aggregate);
  const out: Usable[] = [];
  for (const { at, properties } of occurrences) {
    const value = properties[definition.property ?? ''];
    if (numeric ? typeof value === 'number' && Number.isFinite(value) : isPrimitive(value)) out.push({ at, value: normalize(value as ComputedValue) });
  }
  return out;
}

function isPrimitive(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** JSON has no -0 but JavaScript arithmetic does; -0 and 0 must compare equal as values. */
function normalize(value: ComputedValue): ComputedValue {
  return value === 0 ? 0 : value;
}

/** The aggregate over usable[from, to), recomputed from scratch in ascending time order (no drifting running sums). */
export function aggregate(kind: ComputedAggregate, usable: ReadonlyArray<Usable>, from: number, to: number): ComputedValue {
  const n = to - from;
  switch (kind) {
    case 'count':
      return n;
    case 'sum':
      return normalize(sum(usable, from, to));
    case 'avg':
      return n === 0 ? null : normalize(sum(usable, from, to) / n);
    case 'min':
    case 'max':
      return n === 0 ? null : normalize(extreme(kind, usable, from, to));
    case 'first':
      return n === 0 ? null : usable[from].value;
    case 'last':
      return n === 0 ? null : usable[to - 1].value;
    case 'most_frequent':
      return mostFrequent(usable, from, to);
  }
}

function sum(usable: ReadonlyArray<Usable>, from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total += usable[i].value as number;
  return total;
}

function extreme(kind: 'min' | 'max', usable: ReadonlyArray<Usable>, from: number, to: number): number {
  let best = usable[from].value as number;
  for (let i = from + 1; i < to; i++) {
    const v = usable[i].value as number;
    if (kind === 'min' ? v < best : v > best) best = v;
  }
  return best;
}

/**
 * The value seen most often; a tie goes to the value seen most recently (the profile's current habit), so the
 * answer is deterministic. Values are told apart by type too: "1" and 1 are different values.
 */
function mostFrequent(usable: ReadonlyArray<Usable>, from: number, to: number): ComputedValue {
  const tally = new Map<string, { value: ComputedValue; count: number; lastIndex: number }>();
  for (let i = from; i < to; i++) {
    const value = usable[i].value;
    const id = `${typeof value}:${String(value)}`;
    const entry = tally.get(id);
    if (entry) {
      entry.count += 1;
      entry.lastIndex = i;
    } else tally.set(id, { value, count: 1, lastIndex: i });
  }
  let best: { value: ComputedValue; count: number; lastIndex: number } | null = null;
  for (const entry of tally.values()) {
    if (!best || entry.count > best.count || (entry.count === best.count && entry.lastIndex > best.lastIndex)) best = entry;
  }
  return best ? best.value : null;
}
