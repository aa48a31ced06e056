import type { EventHistory } from '../rules/event-history';
import { DAY_MS } from './time-window';

export type Instant = { at: number };

/** Every occurrence of the given events (all events when null) as one ascending list of instants. */
export function occurrencesOf(history: EventHistory, events: ReadonlyArray<string> | null): Instant[] {
  const names = events ?? [...history.keys()];
  const out: Instant[] = [];
  for (const name of names) for (const { at } of history.get(name) ?? []) out.push({ at });
  return out.sort((a, b) => a.at - b.at);
}

/** The UTC day number of an instant: active days are calendar days in UTC (the platform keeps no profile time zone). */
export function utcDay(at: number): number {
  return Math.floor(at / DAY_MS);
}

/** Distinct UTC days among instants[from, to), ascending (the list is ascending, so one pass). */
export function activeDays(instants: ReadonlyArray<Instant>, from: number, to: number): number[] {
  const days: number[] = [];
  for (let i = from; i < to; i++) {
    const d = utcDay(instants[i].at);
    if (days[days.length - 1] !== d) days.push(d);
  }
  return days;
}

/**
 * Distinct UTC days among instants[from, to) in O(1) per query: in an ascending list a day is new exactly where it
 * differs from the previous instant's, so a prefix count of those starts answers any range.
 */
export function activeDayCounter(instants: ReadonlyArray<Instant>): (from: number, to: number) => number {
  const starts = new Uint32Array(instants.length + 1);
  for (let i = 0; i < instants.length; i++)
    starts[i + 1] = starts[i] + (i > 0 && utcDay(instants[i].at) === utcDay(instants[i - 1].at) ? 0 : 1);
  return (from, to) => (to > from ? 1 + starts[to] - starts[from + 1] : 0);
}
