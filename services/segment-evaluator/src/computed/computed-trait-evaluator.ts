import { propertyAt } from '../rules/comparisons';
import { DEFAULT_MAX_WINDOW_DAYS, windowDaysOf, type ComputedTraitDefinition } from './computed-trait-definition';
import type { EventHistory, HistoryEvent as EventOccurrence } from '../rules/event-history';
import { withNextChange, type TimedValue } from './next-change';
import { normalize, slidingAggregate, type ComputedValue, type Usable } from './sliding-aggregate';
import { windowEdges, windowRange } from './time-window';

export type { ComputedValue } from './sliding-aggregate';

const NUMERIC = new Set(['sum', 'min', 'max', 'avg']);

/**
 * A computed trait's value at `now` and the instant it would next change with no new event (an occurrence leaving
 * the window, or a future-dated one entering it), so the evaluator can set one timer instead of rescanning.
 * `historyDays` (SEGMENTS_EVENT_HISTORY_DAYS) is the window of "ever".
 * Only occurrences carrying a usable property value matter (finite numbers for sum/min/max/avg, JSON primitives for
 * the others): one without the property entering or leaving cannot change the value, so it is not even a candidate.
 */
export function evaluateComputedTrait(
  definition: ComputedTraitDefinition,
  history: EventHistory,
  now: number,
  historyDays: number = DEFAULT_MAX_WINDOW_DAYS,
): TimedValue<ComputedValue> {
  const all = history.get(definition.event) ?? [];
  const { currency } = definition;
  const occurrences = currency === undefined ? all : all.filter((o) => o.properties?.currency === currency);
  // A count reads only `at`: the occurrences themselves serve, without copying a long history.
  const usable =
    definition.aggregate === 'count'
      ? (occurrences as ReadonlyArray<{ at: number }> as ReadonlyArray<Usable>)
      : usableOccurrences(definition, occurrences);
  const days = windowDaysOf(definition.window, historyDays);
  const aggregate = slidingAggregate(definition.aggregate, usable);
  // withNextChange asks for nondecreasing instants, so the window only slides forward, as the aggregate requires.
  const valueAt = (t: number): ComputedValue => aggregate(...windowRange(usable, t, days));
  return withNextChange(valueAt, now, windowEdges(usable, now, [days]));
}

function usableOccurrences(definition: ComputedTraitDefinition, occurrences: ReadonlyArray<EventOccurrence>): Usable[] {
  const numeric = NUMERIC.has(definition.aggregate);
  const out: Usable[] = [];
  for (const { at, properties } of occurrences) {
    const value = propertyAt(properties, definition.property ?? '');
    if (numeric ? typeof value === 'number' && Number.isFinite(value) : isPrimitive(value))
      out.push({ at, value: normalize(value as ComputedValue) });
  }
  return out;
}

function isPrimitive(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
