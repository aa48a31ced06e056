/**
 * The per-profile event state that rules, computed traits and predictions read: per event name, the events kept
 * within SEGMENTS_EVENT_HISTORY_DAYS (default 180), sorted by `at` (epoch ms) ascending, each with its properties.
 * Shared with src/computed/ (computed traits and RFM predictions are pure functions over this same shape).
 */
export type EventHistory = ReadonlyMap<string, ReadonlyArray<{ at: number; properties: Record<string, unknown> }>>;

export type HistoryEvent = { at: number; properties: Record<string, unknown> };

export const DAY_MS = 86_400_000;
export const DEFAULT_EVENT_HISTORY_DAYS = 180;

/** Builds an EventHistory from unordered rows (as the store returns them), sorted per name. */
export function eventHistoryOf(rows: Iterable<{ name: string; at: number; properties: Record<string, unknown> }>): EventHistory {
  const byName = new Map<string, HistoryEvent[]>();
  for (const row of rows) {
    const list = byName.get(row.name) ?? [];
    if (list.length === 0) byName.set(row.name, list);
    list.push({ at: row.at, properties: row.properties });
  }
  for (const list of byName.values()) list.sort((a, b) => a.at - b.at);
  return byName;
}

/** The oldest `at` a history keeps at `now`: events before it are pruned and no rule sees them. */
export function historyHorizon(now: number, historyDays: number): number {
  return now - historyDays * DAY_MS;
}
