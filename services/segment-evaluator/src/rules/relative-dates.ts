import { DAY_MS } from './event-history';
import type { RelativeDate } from './rule';

/**
 * Every relative date holds while `now` lies in one closed interval [from, to] of instants computed from the date
 * (ms; ±Infinity for an open side). That makes "when does it next change?" exact: at `from` it starts to hold, at
 * `to + 1` it stops.
 *   withinNextDays N:         date - N days <= now <= date         (today .. N days ahead)
 *   withinLastDays N:         date <= now <= date + N days         (N days ago .. today)
 *   moreThanDaysAgo N:        now > date + N days
 *   betweenDaysFromNow a..b:  date - b days <= now <= date - a days
 */
export function holdsDuring(date: number, rel: RelativeDate): { from: number; to: number } {
  switch (rel.op) {
    case 'withinNextDays':
      return { from: date - (rel.days ?? 0) * DAY_MS, to: date };
    case 'withinLastDays':
      return { from: date, to: date + (rel.days ?? 0) * DAY_MS };
    case 'moreThanDaysAgo':
      return { from: date + (rel.days ?? 0) * DAY_MS + 1, to: Infinity };
    case 'betweenDaysFromNow':
      return { from: date - (rel.to ?? 0) * DAY_MS, to: date - (rel.from ?? 0) * DAY_MS };
  }
}

/** Whether the interval holds at `now`, and the next instant after `now` at which that flips (null: never). */
export function intervalAt(interval: { from: number; to: number }, now: number): { holds: boolean; next: number | null } {
  if (now < interval.from) return { holds: false, next: interval.from };
  if (now <= interval.to) return { holds: true, next: Number.isFinite(interval.to) ? interval.to + 1 : null };
  return { holds: false, next: null };
}
