export const DAY_MS = 86_400_000;

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
 * The instants after `now` at which some item enters or leaves a window of `days` (its `at`, if still ahead, and its
 * `at + days`, if still ahead), ascending and without repeats. Between two of them the window's content is fixed.
 */
export function windowEdges<T extends { at: number }>(items: ReadonlyArray<T>, now: number, daysList: ReadonlyArray<WindowDays>): number[] {
  const edges = new Set<number>();
  for (const { at } of items) {
    if (at > now) edges.add(at);
    for (const days of daysList) if (days !== null && at + days * DAY_MS > now) edges.add(at + days * DAY_MS);
  }
  return [...edges].sort((a, b) => a - b);
}
