import type { SqlExecutor } from '@tessera/kafka';
import { buildUnnestInsert } from '@tessera/persistence';
import type { GroupMembership } from '../survivorship/group-membership';
import { ABSORBED_ROWS, foldRounds, type ProfileFold } from './profile-merge-writer';
import { runQuery } from './run-query';

/** True when the incoming traits (EXCLUDED) are newer than the stored ones (`g`): the SQL twin of group-membership.ts. */
const TRAITS_ARE_NEWER = `EXCLUDED.traits_at_ms IS NOT NULL AND (g.traits_at_ms IS NULL
  OR (EXCLUDED.traits_at_ms, EXCLUDED.traits_message_id, EXCLUDED.traits_source_id) > (g.traits_at_ms, g.traits_message_id, g.traits_source_id))`;

const FOLD_ON_CONFLICT = `ON CONFLICT (profile_id, group_id) DO UPDATE SET
  first_seen_ms = least(g.first_seen_ms, EXCLUDED.first_seen_ms),
  last_seen_ms = greatest(g.last_seen_ms, EXCLUDED.last_seen_ms),
  traits = CASE WHEN ${TRAITS_ARE_NEWER} THEN EXCLUDED.traits ELSE g.traits END,
  traits_source_id = CASE WHEN ${TRAITS_ARE_NEWER} THEN EXCLUDED.traits_source_id ELSE g.traits_source_id END,
  traits_message_id = CASE WHEN ${TRAITS_ARE_NEWER} THEN EXCLUDED.traits_message_id ELSE g.traits_message_id END,
  traits_at_ms = CASE WHEN ${TRAITS_ARE_NEWER} THEN EXCLUDED.traits_at_ms ELSE g.traits_at_ms END`;

/** Folds memberships (one per profile and group, already joined in code) into profile_groups; rows must be locked. */
export async function writeGroupMemberships(
  tx: SqlExecutor,
  byProfile: ReadonlyMap<string, ReadonlyMap<string, GroupMembership>>,
): Promise<void> {
  const rows = [...byProfile].flatMap(([profileId, groups]) =>
    [...groups.values()].map((m) => ({
      profile_id: profileId,
      group_id: m.groupId,
      first_seen_ms: m.firstSeen,
      last_seen_ms: m.lastSeen,
      traits: m.latest?.traits ?? null,
      traits_at_ms: m.latest?.occurredAt ?? null,
      traits_source_id: m.latest?.sourceId ?? null,
      traits_message_id: m.latest?.messageId ?? null,
    })),
  );
  if (rows.length === 0) return;
  const insert = buildUnnestInsert({
    table: 'profile_groups',
    alias: 'g',
    columns: [
      { name: 'profile_id', type: 'text' },
      { name: 'group_id', type: 'text' },
      { name: 'first_seen_ms', type: 'bigint' },
      { name: 'last_seen_ms', type: 'bigint' },
      { name: 'traits', type: 'jsonb' },
      { name: 'traits_at_ms', type: 'bigint' },
      { name: 'traits_source_id', type: 'text' },
      { name: 'traits_message_id', type: 'text' },
    ],
    rows,
  });
  await runQuery(tx, { text: `${insert.text} ${FOLD_ON_CONFLICT}`, values: insert.values });
}

/** Merges: the absorbed profiles' memberships fold into their survivors (in rounds: no survivor twice per statement). */
export async function foldGroupMembershipsInto(tx: SqlExecutor, folds: readonly ProfileFold[]): Promise<void> {
  for (const round of foldRounds(folds)) {
    const pairs = [round.map((f) => f.survivorId), round.map((f) => f.absorbedId)];
    await tx.query(
      `INSERT INTO profile_groups AS g (profile_id, group_id, first_seen_ms, last_seen_ms, traits, traits_at_ms, traits_source_id, traits_message_id)
       SELECT m.survivor, x.group_id, x.first_seen_ms, x.last_seen_ms, x.traits, x.traits_at_ms, x.traits_source_id, x.traits_message_id
         FROM ${ABSORBED_ROWS('profile_groups')}
        ORDER BY 1, 2
       ${FOLD_ON_CONFLICT}`,
      pairs,
    );
    await tx.query('DELETE FROM profile_groups WHERE profile_id = ANY($1::text[])', [pairs[1]]);
  }
}

/** Splits: the memberships are rebuilt from the item logs, like the rest of the derived state. */
export async function clearGroupMemberships(tx: SqlExecutor, profileIds: readonly string[]): Promise<void> {
  await tx.query('DELETE FROM profile_groups WHERE profile_id = ANY($1::text[])', [[...profileIds].sort()]);
}
