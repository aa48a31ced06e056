import { compare, propertyAt } from './comparisons';
import { DAY_MS, type EventHistory, type HistoryEvent } from './event-history';
import { holdsDuring, intervalAt } from './relative-dates';
import type { EventCondition, EventCountCondition, PropertyFilter, RelativeDate } from './rule';

/** An event condition at `now` over the kept history (`historyMs`: "ever" as a window), with its next change. */
export function evaluateEvent(
  rule: EventCondition,
  history: EventHistory,
  now: number,
  historyMs: number,
): { matched: boolean; next: number | null } {
  const events = matchingEvents(history.get(rule.event) ?? [], rule.where);
  if ('firstDone' in rule || 'lastDone' in rule) {
    const rel = ('firstDone' in rule ? rule.firstDone : rule.lastDone) as RelativeDate;
    const nextArrival = events.find((e) => e.at > now)?.at ?? null;
    const done = events.filter((e) => e.at <= now && now < e.at + historyMs);
    if (done.length === 0) return { matched: false, next: nextArrival };
    const at = 'firstDone' in rule ? done[0].at : done[done.length - 1].at;
    const interval = intervalAt(holdsDuring(at, rel), now);
    // a later event changes "last done" when it arrives; either changes when its event leaves the kept history
    return { matched: interval.holds, next: earliest([interval.next, at + historyMs, 'lastDone' in rule ? nextArrival : null]) };
  }
  const window = 'inLastDays' in rule && rule.inLastDays !== undefined ? rule.inLastDays * DAY_MS : historyMs;
  let count = 0;
  let next: number | null = null;
  for (const { at } of events) {
    // the window is (now - window, now]: an event counts from `at` until `at + window` (exclusive)
    if (at <= now && now < at + window) count++;
    const change = at > now ? at : at + window > now ? at + window : null;
    if (change !== null && Number.isFinite(change) && (next === null || change < next)) next = change;
  }
  return { matched: countMatches(rule as EventCountCondition, count), next };
}

function countMatches(rule: { atLeast?: number; atMost?: number; exactly?: number }, count: number): boolean {
  if (rule.exactly !== undefined) return count === rule.exactly;
  const atLeast = rule.atLeast ?? (rule.atMost === undefined ? 1 : 0);
  return count >= atLeast && (rule.atMost === undefined || count <= rule.atMost);
}

function matchingEvents(events: ReadonlyArray<HistoryEvent>, where: PropertyFilter[] | undefined): ReadonlyArray<HistoryEvent> {
  if (!where || where.length === 0) return events;
  return events.filter((e) => where.every((filter) => compare(propertyAt(e.properties, filter.property), filter)));
}

export function earliest(times: Array<number | null>): number | null {
  let best: number | null = null;
  for (const t of times) if (t !== null && (best === null || t < best)) best = t;
  return best;
}
