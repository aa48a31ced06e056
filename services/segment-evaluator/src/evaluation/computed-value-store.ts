import { encode, Topics } from '@tessera/contracts';
import type { OutboxEntry, SqlExecutor } from '@tessera/kafka';
import type { ComputedDecision, ComputedMap, StoredComputed } from './computed-value-decider';
import type { ProfileRow } from './profile-store';
import { arrayLiteral } from '@tessera/persistence';

/** Stored computed values of `ids` (their due time is the profile's, ProfileRow.dueAt). */
export async function loadComputedValues(tx: SqlExecutor, ids: readonly string[]): Promise<Map<string, ComputedMap>> {
  const { rows } = await tx.query<{ profile_id: string; vals: ComputedMap }>(
    'SELECT profile_id, vals FROM profile_computed_values WHERE profile_id = ANY($1::text[])',
    [arrayLiteral(ids, 'plain')],
  );
  return new Map(rows.map((r) => [r.profile_id, r.vals]));
}

/**
 * Writes the recomputed values (only the changed ones' rows; their due time joins the profile's) and returns
 * one cdp.profiles.computed message per profile whose values changed, for the caller's outbox in the same
 * transaction: a change and its announcement exist together or not at all.
 */
export async function writeComputedValues(
  tx: SqlExecutor,
  decided: ReadonlyArray<{ profile: ProfileRow; at: number; stored: StoredComputed | undefined; decision: ComputedDecision }>,
): Promise<OutboxEntry[]> {
  const messages: OutboxEntry[] = [];
  const upsert = { id: [] as string[], vals: [] as string[], at: [] as number[] };
  for (const { profile, at, stored, decision } of decided) {
    if (decision.changed.length > 0 || stored === undefined) {
      upsert.id.push(profile.profileId);
      upsert.vals.push(JSON.stringify(decision.values));
      upsert.at.push(at);
    }
    if (decision.changed.length === 0) continue;
    const json = (map: ComputedMap | undefined, key: string) => (map && key in map ? JSON.stringify(map[key]) : null);
    messages.push({
      topic: Topics.ProfilesComputed,
      message: {
        key: profile.profileId,
        value: encode(Topics.ProfilesComputed, {
          profileId: profile.profileId,
          version: profile.version,
          isTest: profile.isTest,
          at,
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
      [arrayLiteral(upsert.id, 'plain'), arrayLiteral(upsert.vals, 'plain'), arrayLiteral(upsert.at, 'plain')],
    );
  }
  return messages;
}
