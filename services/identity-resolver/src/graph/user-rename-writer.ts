import type { SqlExecutor } from '@tessera/kafka';
import type { IdentityGraph } from '../resolution/identity-graph';
import { PREVIOUS_USER_ID } from '../resolution/user-rename';
import { insertMergeLog } from './merge-log-writer';
import type { ResolvedChange } from './resolved-change';

/**
 * Renames (an alias of a known user_id): the user_id row becomes a previous_user_id row of the same profile,
 * keeping when and by which message it was first linked, and the merge log records the alias.
 */
export async function persistRenames(tx: SqlExecutor, changes: readonly ResolvedChange[], graph: IdentityGraph, at: Date): Promise<void> {
  const renames = changes.flatMap((c) => (c.resolution.rename ? [{ change: c, rename: c.resolution.rename }] : []));
  if (renames.length === 0) return;
  await tx.query(
    `WITH gone AS (
       DELETE FROM identifiers WHERE identifier_type = 'user_id' AND value = ANY($1::text[]) RETURNING value, first_message_id, created_at)
     INSERT INTO identifiers (identifier_type, value, profile_id, first_message_id, created_at)
     SELECT $4, r.value, r.profile_id, coalesce(g.first_message_id, r.message_id), coalesce(g.created_at, $5)
       FROM unnest($1::text[], $2::uuid[], $3::text[]) AS r(value, profile_id, message_id) LEFT JOIN gone g ON g.value = r.value
     ON CONFLICT (identifier_type, value) DO UPDATE SET profile_id = EXCLUDED.profile_id`,
    [
      renames.map(({ rename }) => rename.previousUserId),
      renames.map(({ rename }) => graph.liveId(rename.profileId)),
      renames.map(({ change }) => change.messageId),
      PREVIOUS_USER_ID,
      at,
    ],
  );
  await insertMergeLog(
    tx,
    renames.map(({ change, rename }) => ({
      change_id: change.renameChangeId,
      kind: 'alias',
      survivor_profile_id: rename.profileId,
      absorbed_profile_id: rename.profileId,
      rule: 'alias_rename',
      causing_message_id: change.messageId,
      identifiers: [
        { type: 'user_id', value: rename.previousUserId },
        { type: 'user_id', value: rename.userId },
      ],
      detail: `user_id ${rename.previousUserId} renamed to ${rename.userId}; the old id stays as ${PREVIOUS_USER_ID}`,
      at,
    })),
  );
}
