import { encode, Topics } from '@tessera/contracts';
import type { OutboxEntry, SqlExecutor } from '@tessera/kafka';
import { changedComputedKeys, DEFAULT_PREDICTION_CONFIG, evaluateProfileComputedValues, type ComputedTraitDefinition, type ComputedValue } from '../computed';
import type { EventHistory } from '../rules';
import type { ProfileRow } from './profile-store';
import type { SegmentCatalog } from './segment-catalog';

/** The due_timers "segment" of a profile's computed values: no segment id can start with `$`. */
export const COMPUTED_TIMER = '$computed';

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
export function decideComputedValues(catalog: SegmentCatalog, profile: ProfileRow, history: EventHistory, stored: StoredComputed | undefined, trigger: ComputedTrigger, at: number): ComputedDecision {
  const config = { ...DEFAULT_PREDICTION_CONFIG, historyDays: catalog.historyDays };
  const live = catalog.computedTraits;
  const partial = trigger !== 'all' && stored !== undefined;
  const wanted: ComputedTraitDefinition[] = partial ? selectDefinitions(catalog, stored.values, trigger) : [...live.values()];
  const fresh = evaluateProfileComputedValues(wanted, history, profile.values, at, config);
  const values: ComputedMap = {};
  if (partial) {
    // keep the stored traits still defined; a deleted definition's value goes (and is announced as gone)
    for (const [key, value] of Object.entries(stored.values)) if (key.startsWith('computed.') && live.has(key.slice('computed.'.length))) values[key] = value;
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

/** Stored computed values and their due time, of `ids`. */
export async function loadComputedValues(tx: SqlExecutor, ids: readonly string[]): Promise<Map<string, StoredComputed>> {
  const { rows } = await tx.query<{ profile_id: string; vals: ComputedMap; due_at_ms: string | null }>(
    `SELECT v.profile_id, v.vals, t.due_at_ms FROM profile_computed_values v
       LEFT JOIN due_timers t ON t.profile_id = v.profile_id AND t.segment_id = $2
      WHERE v.profile_id = ANY($1::text[])`,
    [ids, COMPUTED_TIMER],
  );
  return new Map(rows.map((r) => [r.profile_id, { values: r.vals, dueAt: r.due_at_ms === null ? null : Number(r.due_at_ms) }]));
}

/**
 * Writes the recomputed values (only the changed ones' rows), their due timers (only those that moved), and returns
 * one cdp.profiles.computed message per profile whose values changed, for the caller's outbox in the same
 * transaction: a change and its announcement exist together or not at all.
 */
export async function writeComputedValues(
  tx: SqlExecutor,
  decided: ReadonlyArray<{ profile: ProfileRow; at: number; stored: StoredComputed | undefined; decision: ComputedDecision }>,
): Promise<OutboxEntry[]> {
  const messages: OutboxEntry[] = [];
  const upsert = { id: [] as string[], vals: [] as string[], at: [] as number[] };
  const timerSet = { id: [] as string[], due: [] as number[] };
  const timerClear: string[] = [];
  for (const { profile, at, stored, decision } of decided) {
    if (decision.changed.length > 0 || stored === undefined) {
      upsert.id.push(profile.profileId); upsert.vals.push(JSON.stringify(decision.values)); upsert.at.push(at);
    }
    if ((stored?.dueAt ?? null) !== decision.dueAt) {
      if (decision.dueAt === null) timerClear.push(profile.profileId);
      else { timerSet.id.push(profile.profileId); timerSet.due.push(decision.dueAt); }
    }
    if (decision.changed.length === 0) continue;
    const json = (map: ComputedMap | undefined, key: string) => (map && key in map ? JSON.stringify(map[key]) : null);
    messages.push({
      topic: Topics.ProfilesComputed,
      message: {
        key: profile.profileId,
        value: encode(Topics.ProfilesComputed, {
          profileId: profile.profileId, version: profile.version, isTest: profile.isTest, at,
          changes: decision.changed.map((key) => ({ key, value: json(decision.values, key), previous: json(stored?.values, key) })),
          values: JSON.stringify(decision.values),
        }),
      },
    });
  }
  if (upsert.id.length > 0) {
    await tx.query(
      `INSERT INTO profile_computed_values (profile_id, vals, computed_at_ms) SELECT * FROM unnest($1::text[], $2::jsonb[], $3::bigint[])
       ON CONFLICT (profile_id) DO UPDATE SET vals = EXCLUDED.vals, computed_at_ms = EXCLUDED.computed_at_ms`,
      [upsert.id, upsert.vals, upsert.at],
    );
  }
  if (timerClear.length > 0) await tx.query('DELETE FROM due_timers WHERE profile_id = ANY($1::text[]) AND segment_id = $2', [timerClear, COMPUTED_TIMER]);
  if (timerSet.id.length > 0) {
    await tx.query(
      `INSERT INTO due_timers (profile_id, segment_id, due_at_ms) SELECT x.p, $3, x.d FROM unnest($1::text[], $2::bigint[]) AS x(p, d)
       ON CONFLICT (profile_id, segment_id) DO UPDATE SET due_at_ms = EXCLUDED.due_at_ms`,
      [timerSet.id, timerSet.due, COMPUTED_TIMER],
    );
  }
  return messages;
}
