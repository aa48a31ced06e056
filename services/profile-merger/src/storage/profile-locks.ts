import type { SqlExecutor } from '@tessera/kafka';

const MAX_REDIRECT_HOPS = 16;

/**
 * Maps profile ids to the profiles that hold their data now, and row-locks those profiles for the rest of the
 * transaction (creating rows for new ids). A merge locks the same rows, so an item and a merge of its profile
 * never interleave: after waiting for the lock, a profile found absorbed is followed to its survivor.
 * Locks are taken in sorted order; a rare deadlock between slices is retried by the processor.
 */
export async function resolveAndLockProfiles(tx: SqlExecutor, profileIds: readonly string[]): Promise<Map<string, string>> {
  const target = new Map<string, string>(profileIds.map((id) => [id, id]));
  const redirects = await tx.query<{ absorbed_id: string; survivor_id: string }>(
    'SELECT absorbed_id, survivor_id FROM profile_redirects WHERE absorbed_id = ANY($1::text[])',
    [[...target.keys()]],
  );
  for (const row of redirects.rows) target.set(row.absorbed_id, row.survivor_id);

  const locked = new Set<string>();
  for (let hop = 0; hop < MAX_REDIRECT_HOPS; hop++) {
    const pending = [...new Set(target.values())].filter((id) => !locked.has(id)).sort();
    if (pending.length === 0) return target;
    await tx.query('INSERT INTO profiles (profile_id) SELECT unnest($1::text[]) ON CONFLICT (profile_id) DO NOTHING', [pending]);
    const { rows } = await tx.query<{ profile_id: string; status: string; merged_into: string | null }>(
      'SELECT profile_id, status, merged_into FROM profiles WHERE profile_id = ANY($1::text[]) ORDER BY profile_id FOR UPDATE',
      [pending],
    );
    for (const row of rows) {
      locked.add(row.profile_id);
      if (row.status === 'merged' && row.merged_into) {
        for (const [from, to] of target) if (to === row.profile_id) target.set(from, row.merged_into);
      }
    }
  }
  throw new Error(`profile redirects deeper than ${MAX_REDIRECT_HOPS} hops for ${profileIds.join(', ')}`);
}
