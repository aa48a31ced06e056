/**
 * The per-profile event history the evaluator keeps: per event name, the occurrences sorted by `at` (epoch ms)
 * ascending, bounded to the last SEGMENTS_EVENT_HISTORY_DAYS (180).
 *
 * TODO(evaluator merge): replace with `import type { EventHistory } from '../rules/event-history'` once the rule
 * engine exports it; this local copy only exists so computed/ compiles on its own and must stay identical.
 */
export type EventOccurrence = { at: number; properties: Record<string, unknown> };
export type EventHistory = ReadonlyMap<string, ReadonlyArray<EventOccurrence>>;
