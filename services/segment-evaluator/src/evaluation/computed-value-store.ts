import { encode, Topics } from '@tessera/contracts';
import type { OutboxEntry, SqlExecutor } from '@tessera/kafka';
import { COMPUTED_TIMER, type ComputedDecision, type ComputedMap, type StoredComputed } from './computed-value-decider';
import type { ProfileRow } from './profile-store';

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
