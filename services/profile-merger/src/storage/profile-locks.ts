import type { SqlExecutor } from '@tessera/kafka';

/** Each round follows one hop of redirects, or locks rows another transaction inserted meanwhile. */
const MAX_LOCK_ROUNDS = 16;

/**
 * Maps profile ids to the profiles that hold their data now, and row-locks those profiles for the rest of the
 * transaction (creating rows for new ids). A merge locks the same rows, so an item and a merge of its profile
 * never interleave: after waiting for the lock, a profile found absorbed is followed to its survivor.
 * Locks are taken in sorted order; a rare deadlock between slices is retried by the processor.
 *
 * Existing rows are locked first and only the ids not found are inserted: most ids of a slice exist, and an
 * INSERT ... ON CONFLICT DO NOTHING costs Postgres a probe per id even when it inserts nothing. A row this
 * transaction inserts is its own until commit. An id another transaction inserted meanwhile is not returned by the
 * insert (which waited for that transaction to end), and is locked by the next round's SELECT, which sees it.
 */
export async function resolveAndLockProfiles(tx: SqlExecutor, profileIds: readonly string[]): Promise<Map<string, string>> {
  const target = new Map<string, string>(profileIds.map((id) => [id, id]));
  const redirects = await tx.query<{ absorbed_id: string; survivor_id: string }>(
    'SELECT absorbed_id, survivor_id FROM profile_redirects WHERE absorbed_id = ANY($1::text[])',
    [[...target.keys()]],
  );
  for (const row of redirects.rows) target.set(row.absorbed_id, row.survivor_id);

  const locked = new Set<string>();
  for (let round = 0; round < MAX_LOCK_ROUNDS; round++) {
    const pending = [...new Set(target.values())].filter((id) => !locked.has(id)).sort();
    if (pending.length === 0) return target;
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
    const missing = pending.filter((id) => !locked.has(id));
    if (missing.length === 0) continue;
    const inserted = await tx.query<{ profile_id: string }>(
      'INSERT INTO profiles (profile_id) SELECT unnest($1::text[]) ON CONFLICT (profile_id) DO NOTHING RETURNING profile_id',
      [missing],
    );
    for (const row of inserted.rows) locked.add(row.profile_id);
  }
  throw new Error(`profile redirects deeper than ${MAX_LOCK_ROUNDS} rounds for ${profileIds.join(', ')}`);
}
