import type { EventHistory } from './event-history-shape';
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
