import type { SqlExecutor } from '@tessera/kafka';

/**
 * Empties everything derived from a profile's items (summary columns, traits, counters, touches, email
 * observations, orders), keeping its row, version, item log and identifiers, so it can be rebuilt by folding its
 * logged items again. Identifiers are the resolver's word, not derived: an item keeps every identifier it
 * linked, even one a later split moved away, so rebuilding them from items would take those back.
 * The rows must be locked.
 */
export async function clearDerivedState(tx: SqlExecutor, profileIds: readonly string[]): Promise<void> {
  const ids = [...profileIds].sort();
  await tx.query(
    `UPDATE profiles SET item_count = 0, first_seen_ms = NULL, last_seen_ms = NULL, campaign_touch_count = 0, best_email = NULL, has_non_test_item = false, status = 'active', merged_into = NULL, updated_at = now()
     WHERE profile_id = ANY($1::text[])`,
    [ids],
  );
  for (const table of ['profile_traits', 'profile_event_counts', 'profile_campaign_touches', 'email_observations', 'profile_orders']) {
    await tx.query(`DELETE FROM ${table} WHERE profile_id = ANY($1::text[])`, [ids]);
  }
  await tx.query('DELETE FROM email_owners WHERE profile_id = ANY($1::text[])', [ids]);
}
