import type { SqlExecutor } from '@tessera/kafka';
import type { LoggedItem } from './profile-item-log';
import { listIdentifiers, type ProfileSnapshot } from './profile-snapshot';

/** The resolver's type for a user_id an alias renamed (the profile took the new user_id). */
export const PREVIOUS_USER_ID = 'previous_user_id';

export interface RenamedUserId {
  profileId: string;
  value: string;
}

/**
 * An item that linked previous_user_id:X tells that the resolver renamed user_id:X of its profile (an alias of
 * a known user_id): X stays findable as previous_user_id, and is no longer the profile's user_id.
 */
export function renamedUserIds(placed: readonly Pick<LoggedItem, 'profileId' | 'item'>[]): RenamedUserId[] {
  return placed.flatMap(({ profileId, item }) =>
    item.identifiers.filter((i) => i.type === PREVIOUS_USER_ID).map((i) => ({ profileId, value: i.value })),
  );
}

/** Drops user_id:X from the profiles that now hold X as previous_user_id (rows of locked profiles only). */
export async function retireRenamedUserIds(tx: SqlExecutor, renamed: readonly RenamedUserId[]): Promise<void> {
  if (renamed.length === 0) return;
  await tx.query(
    `DELETE FROM profile_identifiers i USING unnest($1::text[], $2::text[]) AS r(profile_id, value)
      WHERE i.id_type = 'user_id' AND i.id_value = r.value AND i.profile_id = r.profile_id`,
    [renamed.map((r) => r.profileId), renamed.map((r) => r.value)],
  );
}

/** The same on the computed "after" snapshots, so the published change lists what storage holds. */
export function forgetRenamedUserIds(snapshots: ReadonlyMap<string, ProfileSnapshot>, renamed: readonly RenamedUserId[]): void {
  if (renamed.length === 0) return;
  for (const { profileId, value } of renamed) snapshots.get(profileId)?.state.identifiers.delete(`user_id:${value}`);
  listIdentifiers(snapshots);
}
