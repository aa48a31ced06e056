import { changedComputedKeys, evaluateProfileComputedValues, type ComputedTraitDefinition, type ComputedValue } from '../computed';
import type { EventHistory } from '../rules';
import type { ProfileRow } from './profile-store';
import type { SegmentCatalog } from './segment-catalog';

/** The profile values predictions read (LTV band, monetary score): a change of any other field cannot move them. */
export const PREDICTION_INPUT_FIELDS: ReadonlySet<string> = new Set(['revenue_total', 'revenue_currency', 'revenue_flags']);

/** What to recompute: every value (`all`: a timer, a first sight, a merge) or the predictions plus the traits reading these events. */
export type ComputedTrigger = 'all' | ReadonlySet<string>;

export type ComputedMap = Record<string, ComputedValue>;

export interface StoredComputed {
  values: ComputedMap;
  dueAt: number | null;
}

export interface ComputedDecision {
  values: ComputedMap;
  dueAt: number | null;
  changed: string[];
}

/**
 * Recomputes one profile's computed values at `at`. Pure. Only the traits reading a changed event are recomputed
 * (plus any live trait not stored yet), the predictions always (they read every event and the revenue values);
 * the others keep their stored value. The due time is then the earlier of the recomputed ones' and the stored one:
 * never late, at worst one early firing, which recomputes everything and sets the exact time.
 */
export function decideComputedValues(
  catalog: SegmentCatalog,
  profile: ProfileRow,
  history: EventHistory,
  stored: StoredComputed | undefined,
  trigger: ComputedTrigger,
  at: number,
): ComputedDecision {
  const live = catalog.computedTraits;
  const partial = trigger !== 'all' && stored !== undefined;
  const wanted: ComputedTraitDefinition[] = partial ? selectDefinitions(catalog, stored.values, trigger) : [...live.values()];
  const fresh = evaluateProfileComputedValues(wanted, history, profile.values, at, catalog.predictions);
  const values: ComputedMap = {};
  if (partial) {
    // keep the stored traits still defined; a deleted definition's value goes (and is announced as gone)
    for (const [key, value] of Object.entries(stored.values))
      if (key.startsWith('computed.') && live.has(key.slice('computed.'.length))) values[key] = value;
  }
  Object.assign(values, fresh.values);
  const kept = partial && stored.dueAt !== null && stored.dueAt > at ? stored.dueAt : null;
  const dueAt = fresh.nextChangeAt === null ? kept : kept === null ? fresh.nextChangeAt : Math.min(kept, fresh.nextChangeAt);
  return { values, dueAt, changed: changedComputedKeys(stored?.values ?? {}, values) };
}

function selectDefinitions(catalog: SegmentCatalog, stored: ComputedMap, events: ReadonlySet<string>): ComputedTraitDefinition[] {
  const keys = new Set<string>();
  for (const name of events) for (const key of catalog.computedByEvent.get(name) ?? []) keys.add(key);
  for (const key of catalog.computedTraits.keys()) if (!(`computed.${key}` in stored)) keys.add(key);
  return [...keys].sort().flatMap((key) => catalog.computedTraits.get(key) ?? []);
}
