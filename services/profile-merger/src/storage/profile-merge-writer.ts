import type { SqlExecutor } from '@tessera/kafka';
import { EMAIL_OBSERVATION_BEATS_STORED, ORDER_IS_LATER, TRAIT_BEATS_STORED } from './survivorship-sql';

/**
 * Folds an absorbed profile into its survivor in SQL, the set-based twin of joinProfileState: counters add up,
 * first/last seen take min/max, traits and email observations are re-decided by survivorship, touches,
 * identifiers, the timeline and the item log move over. The absorbed profile keeps a narrow row with status 'merged' and a
 * redirect, so lookups by its id and late items keyed by it reach the survivor. Both rows must be locked.
 */
export async function foldProfileInto(tx: SqlExecutor, survivorId: string, absorbedId: string, changeId: string, at: number): Promise<void> {
  const ids = [survivorId, absorbedId];
  await tx.query(
    `UPDATE profiles p SET
       item_count = p.item_count + a.item_count,
       first_seen_ms = LEAST(p.first_seen_ms, a.first_seen_ms),
       last_seen_ms = GREATEST(p.last_seen_ms, a.last_seen_ms),
       revenue_micros = p.revenue_micros + a.revenue_micros,
       order_count = p.order_count + a.order_count,
       ${['last_order_message_id', 'last_order_at_ms', 'last_order_revenue_micros', 'last_order_currency', 'last_order_id']
         .map((column) => `${column} = CASE WHEN ${ORDER_IS_LATER.replace(/EXCLUDED\./g, 'a.')} THEN a.${column} ELSE p.${column} END`)
         .join(',\n       ')},
       has_non_test_item = p.has_non_test_item OR a.has_non_test_item,
       campaign_touch_count = p.campaign_touch_count + a.campaign_touch_count,
       updated_at = now()
     FROM profiles a WHERE p.profile_id = $1 AND a.profile_id = $2`,
    ids,
  );
  await tx.query(
    `UPDATE profiles SET status = 'merged', merged_into = $1, best_email = NULL, item_count = 0, first_seen_ms = NULL, last_seen_ms = NULL,
       revenue_micros = 0, order_count = 0, campaign_touch_count = 0, last_order_message_id = NULL, last_order_at_ms = NULL, last_order_revenue_micros = NULL,
       last_order_currency = NULL, last_order_id = NULL, updated_at = now()
     WHERE profile_id = $2`,
    ids,
  );
  await tx.query(
    `INSERT INTO profile_traits AS t (profile_id, field, mode, value, tombstone, source_id, priority, occurred_at_ms, message_id)
     SELECT $1, field, mode, value, tombstone, source_id, priority, occurred_at_ms, message_id FROM profile_traits WHERE profile_id = $2 ORDER BY field, mode
     ON CONFLICT (profile_id, field, mode) DO UPDATE SET value = EXCLUDED.value, tombstone = EXCLUDED.tombstone, source_id = EXCLUDED.source_id,
       priority = EXCLUDED.priority, occurred_at_ms = EXCLUDED.occurred_at_ms, message_id = EXCLUDED.message_id
     WHERE ${TRAIT_BEATS_STORED}`,
    ids,
  );
  await tx.query(
    `INSERT INTO profile_event_counts AS c (profile_id, event_name, event_count, first_at_ms, last_at_ms)
     SELECT $1, event_name, event_count, first_at_ms, last_at_ms FROM profile_event_counts WHERE profile_id = $2 ORDER BY event_name
     ON CONFLICT (profile_id, event_name) DO UPDATE SET event_count = c.event_count + EXCLUDED.event_count,
       first_at_ms = LEAST(c.first_at_ms, EXCLUDED.first_at_ms), last_at_ms = GREATEST(c.last_at_ms, EXCLUDED.last_at_ms)`,
    ids,
  );
  await tx.query(
    `INSERT INTO profile_campaign_touches (profile_id, message_id, occurred_at_ms, utm_source, utm_medium, utm_campaign, utm_term, utm_content)
     SELECT $1, message_id, occurred_at_ms, utm_source, utm_medium, utm_campaign, utm_term, utm_content FROM profile_campaign_touches WHERE profile_id = $2
     ON CONFLICT (profile_id, message_id) DO NOTHING`,
    ids,
  );
  await tx.query(
    `INSERT INTO email_observations AS t (email, profile_id, source_id, priority, occurred_at_ms, message_id)
     SELECT email, $1, source_id, priority, occurred_at_ms, message_id FROM email_observations WHERE profile_id = $2 ORDER BY email
     ON CONFLICT (email, profile_id) DO UPDATE SET source_id = EXCLUDED.source_id, priority = EXCLUDED.priority,
       occurred_at_ms = EXCLUDED.occurred_at_ms, message_id = EXCLUDED.message_id
     WHERE ${EMAIL_OBSERVATION_BEATS_STORED}`,
    ids,
  );
  await tx.query(
    `INSERT INTO profile_recent_events (profile_id, occurred_at_ms, message_id, kind, event_type, event_name, source_id, properties)
     SELECT $1, occurred_at_ms, message_id, kind, event_type, event_name, source_id, properties FROM profile_recent_events WHERE profile_id = $2
     ON CONFLICT DO NOTHING`,
    ids,
  );
  for (const table of ['profile_traits', 'profile_event_counts', 'profile_campaign_touches', 'email_observations', 'profile_recent_events']) {
    await tx.query(`DELETE FROM ${table} WHERE profile_id = $1`, [absorbedId]);
  }
  await tx.query('UPDATE profile_items SET profile_id = $1 WHERE profile_id = $2', ids);
  await tx.query('UPDATE profile_identifiers SET profile_id = $1 WHERE profile_id = $2', ids);
  await tx.query('UPDATE email_owners SET profile_id = $1 WHERE profile_id = $2', ids);
  // Path compression: ids absorbed earlier into the absorbed profile now point straight at the survivor.
  await tx.query('UPDATE profile_redirects SET survivor_id = $1 WHERE survivor_id = $2', ids);
  await tx.query(
    `INSERT INTO profile_redirects (absorbed_id, survivor_id, change_id, merged_at_ms) VALUES ($2, $1, $3, $4)
     ON CONFLICT (absorbed_id) DO UPDATE SET survivor_id = EXCLUDED.survivor_id, change_id = EXCLUDED.change_id, merged_at_ms = EXCLUDED.merged_at_ms`,
    [survivorId, absorbedId, changeId, at],
  );
}
