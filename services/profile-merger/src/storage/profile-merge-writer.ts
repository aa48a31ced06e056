import type { SqlExecutor } from '@tessera/kafka';
import { EMAIL_OBSERVATION_BEATS_STORED, ORDER_FACT_IS_LATER, TRAIT_BEATS_STORED } from './survivorship-sql';

/** One absorbed profile folded into its survivor; both rows must be locked. */
export interface ProfileFold {
  survivorId: string;
  absorbedId: string;
  changeId: string;
  at: number;
}

const PAIRS = 'unnest($1::text[], $2::text[]) AS m(survivor, absorbed)';

/**
 * The fold pairs ($1 survivors, $2 absorbed ids) with each absorbed profile's rows of `table` as `x`: one index probe
 * per fold inside a LATERAL subquery that OFFSET 0 fences off, whatever the statistics. A plain join of the table
 * against the pairs becomes, when the statistics were taken while the table was near empty (a fresh deployment's
 * first orders or groups), a walk of the whole table that evaluates the pairs again for every row
 * (slice-plans.int.spec.ts).
 */
export const ABSORBED_ROWS = (table: string): string =>
  `${PAIRS} CROSS JOIN LATERAL (SELECT * FROM ${table} WHERE profile_id = m.absorbed OFFSET 0) x`;

/**
 * Splits folds into rounds in which no survivor appears twice, so every set-based upsert below touches each
 * (survivor, key) row at most once per statement (ON CONFLICT may not update a row twice). Input order is kept.
 */
export function foldRounds(folds: readonly ProfileFold[]): ProfileFold[][] {
  const rounds: ProfileFold[][] = [];
  const roundOfSurvivor = new Map<string, number>();
  for (const fold of folds) {
    const round = roundOfSurvivor.get(fold.survivorId) ?? 0;
    (rounds[round] ??= []).push(fold);
    roundOfSurvivor.set(fold.survivorId, round + 1);
  }
  return rounds;
}

/**
 * Folds absorbed profiles into their survivors in SQL, the set-based twin of joinProfileState: counters add up,
 * first/last seen take min/max, traits, email observations and order facts are re-decided by survivorship, touches,
 * identifiers and the item log (which is also the timeline) move over. The absorbed profile keeps a narrow row with status
 * 'merged' and a redirect, so lookups by its id and late items keyed by it reach the survivor. Every row must be
 * locked; no absorbed id may be a survivor of the same call. A slice of merges costs a fixed number of
 * statements per round (see foldRounds), whatever the number of merges.
 */
export async function foldProfilesInto(tx: SqlExecutor, folds: readonly ProfileFold[]): Promise<void> {
  for (const round of foldRounds(folds)) await foldRound(tx, round);
}

async function foldRound(tx: SqlExecutor, folds: readonly ProfileFold[]): Promise<void> {
  const pairs = [folds.map((f) => f.survivorId), folds.map((f) => f.absorbedId)];
  const absorbed = [pairs[1]];
  await tx.query(
    `UPDATE profiles p SET
       item_count = p.item_count + a.item_count,
       first_seen_ms = LEAST(p.first_seen_ms, a.first_seen_ms),
       last_seen_ms = GREATEST(p.last_seen_ms, a.last_seen_ms),
       has_non_test_item = p.has_non_test_item OR a.has_non_test_item,
       campaign_touch_count = p.campaign_touch_count + a.campaign_touch_count,
       updated_at = now()
     FROM ${PAIRS} JOIN profiles a ON a.profile_id = m.absorbed WHERE p.profile_id = m.survivor`,
    pairs,
  );
  await tx.query(
    `UPDATE profiles SET status = 'merged', merged_into = m.survivor, best_email = NULL, item_count = 0, first_seen_ms = NULL, last_seen_ms = NULL,
       campaign_touch_count = 0, updated_at = now()
       FROM ${PAIRS} WHERE profiles.profile_id = m.absorbed`,
    pairs,
  );
  await tx.query(
    `INSERT INTO profile_traits AS t (profile_id, field, mode, value, tombstone, source_id, priority, occurred_at_ms, message_id, origin)
     SELECT m.survivor, field, mode, value, tombstone, source_id, priority, occurred_at_ms, message_id, origin FROM ${ABSORBED_ROWS('profile_traits')} ORDER BY 1, field, mode
     ON CONFLICT (profile_id, field, mode) DO UPDATE SET value = EXCLUDED.value, tombstone = EXCLUDED.tombstone, source_id = EXCLUDED.source_id,
       priority = EXCLUDED.priority, occurred_at_ms = EXCLUDED.occurred_at_ms, message_id = EXCLUDED.message_id, origin = EXCLUDED.origin
     WHERE ${TRAIT_BEATS_STORED}`,
    pairs,
  );
  await tx.query(
    `INSERT INTO profile_event_counts AS c (profile_id, event_name, event_count, first_at_ms, last_at_ms)
     SELECT m.survivor, event_name, event_count, first_at_ms, last_at_ms FROM ${ABSORBED_ROWS('profile_event_counts')} ORDER BY 1, event_name
     ON CONFLICT (profile_id, event_name) DO UPDATE SET event_count = c.event_count + EXCLUDED.event_count,
       first_at_ms = LEAST(c.first_at_ms, EXCLUDED.first_at_ms), last_at_ms = GREATEST(c.last_at_ms, EXCLUDED.last_at_ms)`,
    pairs,
  );
  await tx.query(
    `INSERT INTO profile_campaign_touches (profile_id, source_id, message_id, occurred_at_ms, utm_source, utm_medium, utm_campaign, utm_term, utm_content)
     SELECT m.survivor, source_id, message_id, occurred_at_ms, utm_source, utm_medium, utm_campaign, utm_term, utm_content FROM ${ABSORBED_ROWS('profile_campaign_touches')}
     ON CONFLICT (profile_id, source_id, message_id) DO NOTHING`,
    pairs,
  );
  await tx.query(
    `INSERT INTO email_observations AS t (email, profile_id, source_id, priority, occurred_at_ms, message_id)
     SELECT email, m.survivor, source_id, priority, occurred_at_ms, message_id FROM ${ABSORBED_ROWS('email_observations')} ORDER BY email, 2
     ON CONFLICT (email, profile_id) DO UPDATE SET source_id = EXCLUDED.source_id, priority = EXCLUDED.priority,
       occurred_at_ms = EXCLUDED.occurred_at_ms, message_id = EXCLUDED.message_id
     WHERE ${EMAIL_OBSERVATION_BEATS_STORED}`,
    pairs,
  );
  // One order held by both profiles stays one order: the later fact of each kind survives (laterFact).
  await tx.query(
    `INSERT INTO profile_orders AS o (profile_id, order_key, kind, message_id, source_id, occurred_at_ms, amount_micros, currency, currency_origin)
     SELECT m.survivor, order_key, kind, message_id, source_id, occurred_at_ms, amount_micros, currency, currency_origin
       FROM ${ABSORBED_ROWS('profile_orders')} ORDER BY 1, order_key, kind
     ON CONFLICT (profile_id, order_key, kind) DO UPDATE SET message_id = EXCLUDED.message_id, source_id = EXCLUDED.source_id,
       occurred_at_ms = EXCLUDED.occurred_at_ms, amount_micros = EXCLUDED.amount_micros, currency = EXCLUDED.currency, currency_origin = EXCLUDED.currency_origin
     WHERE ${ORDER_FACT_IS_LATER}`,
    pairs,
  );
  for (const table of ['profile_traits', 'profile_event_counts', 'profile_campaign_touches', 'email_observations', 'profile_orders']) {
    await tx.query(`DELETE FROM ${table} WHERE profile_id = ANY($1::text[])`, absorbed);
  }
  for (const table of ['profile_items', 'profile_identifiers', 'email_owners']) {
    await tx.query(`UPDATE ${table} t SET profile_id = m.survivor FROM ${PAIRS} WHERE t.profile_id = m.absorbed`, pairs);
  }
  // Path compression: ids absorbed earlier into the absorbed profile now point straight at the survivor.
  await tx.query(`UPDATE profile_redirects r SET survivor_id = m.survivor FROM ${PAIRS} WHERE r.survivor_id = m.absorbed`, pairs);
  await tx.query(
    `INSERT INTO profile_redirects (absorbed_id, survivor_id, change_id, merged_at_ms)
     SELECT absorbed, survivor, change_id, at FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS m(survivor, absorbed, change_id, at)
     ON CONFLICT (absorbed_id) DO UPDATE SET survivor_id = EXCLUDED.survivor_id, change_id = EXCLUDED.change_id, merged_at_ms = EXCLUDED.merged_at_ms`,
    [...pairs, folds.map((f) => f.changeId), folds.map((f) => f.at)],
  );
}
