import { DAY_MS } from '../rules/event-history';

export { DAY_MS };

/** A window is "the last `days` days" or, with `days` null, everything in the history. */
export type WindowDays = number | null;

/**
 * Window membership at time t: `at` in (t - days, t]. An occurrence is out at exactly `at + days` (so "at least 2 in
 * the last 7 days" ends at the older one's time + 7 days, to the ms), and one dated after t (client clock skew) is
 * not counted until t reaches it. Both are instants the value can change with no new event.
 */
export function inWindow(at: number, t: number, days: WindowDays): boolean {
  return at <= t && (days === null || at > t - days * DAY_MS);
}

/** First index i of an ascending `ats` with ats[i] > bound (binary search). */
export function firstAfter<T extends { at: number }>(items: ReadonlyArray<T>, bound: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid].at > bound) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The index range [from, to) of an ascending list that lies in the window at t. */
export function windowRange<T extends { at: number }>(items: ReadonlyArray<T>, t: number, days: WindowDays): [number, number] {
  const to = firstAfter(items, t);
  const from = days === null ? 0 : Math.min(firstAfter(items, t - days * DAY_MS), to);
  return [from, to];
}

/**
 * The instants after `now` at which some item enters or leaves a window of each of `daysList` (its `at`, if still
 * ahead, and its `at + days`, if still ahead), ascending and without repeats. Between two of them every window's
 * content is fixed. Lazy: a k-way merge of already sorted sequences, so a caller that stops at the first real change
 * pays for the instants it looked at, not for the whole history.
 */
export function* windowEdges<T extends { at: number }>(
  items: ReadonlyArray<T>,
  now: number,
  daysList: ReadonlyArray<WindowDays>,
): Generator<number> {
  const offsets = [0, ...daysList.filter((d): d is number => d !== null).map((d) => d * DAY_MS)];
  // Per offset, the first item whose shifted time is after now; shifted times are ascending within each sequence.
  const cursors = offsets.map((offset) => firstAfter(items, now - offset));
  let last = Number.NEGATIVE_INFINITY;
  for (;;) {
    let best = -1;
    for (let k = 0; k < offsets.length; k++) {
      if (cursors[k] < items.length && (best < 0 || items[cursors[k]].at + offsets[k] < items[cursors[best]].at + offsets[best])) best = k;
    }
    if (best < 0) return;
    const edge = items[cursors[best]].at + offsets[best];
    cursors[best] += 1;
    if (edge !== last) yield edge;
    last = edge;
  }
}
