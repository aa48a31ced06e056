import type { SqlExecutor } from '@tessera/kafka';
import { buildUnnestInsert } from '@tessera/persistence';
import { runQuery } from './run-query';
import type { ProfileState } from '../survivorship/profile-state';
import { parseIdentifierText } from '../survivorship/identifier-text';
import { compareText } from '../survivorship/provenance';
import { writeOrderBooks } from './order-book-writer';
import { EMAIL_OBSERVATION_BEATS_STORED, TRAIT_BEATS_STORED, TRAIT_COLUMNS } from './survivorship-sql';
import { traitRows, type TraitRow } from './trait-rows';

const byKey =
  <T>(key: (row: T) => string) =>
  (a: T, b: T): number =>
    compareText(key(a), key(b));

/** Identifier text (`type:value`) -> the profile a slice attributed it to. */
export type IdentifierAttribution = Map<string, string>;

/**
 * Folds per-profile deltas (already folded in code, so no conflict key repeats) into storage with one set-based
 * upsert per table. Each ON CONFLICT does exactly what joinProfileState does, so stored state equals the fold of
 * every item ever applied. Rows are sorted by key so concurrent slices lock in the same order.
 * `held` (profile id -> identifier texts it is known to hold) spares the upsert of identifiers already in
 * place: most items repeat identifiers their profile has, and even a no-op ON CONFLICT locks (writes) the row.
 * Returns where each identifier of the deltas now lives.
 */
export async function writeProfileDeltas(
  tx: SqlExecutor,
  deltas: ReadonlyMap<string, ProfileState>,
  held: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): Promise<IdentifierAttribution> {
  const entries = [...deltas].sort(byKey(([id]) => id));
  const attribution: IdentifierAttribution = new Map();
  if (entries.length === 0) return attribution;

  await runQuery(
    tx,
    buildUnnestInsert({
      table: 'profiles',
      alias: 'p',
      columns: [
        { name: 'profile_id', type: 'text' },
        { name: 'item_count', type: 'bigint' },
        { name: 'first_seen_ms', type: 'bigint' },
        { name: 'last_seen_ms', type: 'bigint' },
        { name: 'has_non_test_item', type: 'boolean' },
        { name: 'campaign_touch_count', type: 'bigint' },
      ],
      rows: entries.map(([profileId, d]) => ({
        profile_id: profileId,
        item_count: d.itemCount,
        first_seen_ms: d.firstSeen,
        last_seen_ms: d.lastSeen,
        has_non_test_item: d.hasNonTestItem,
        campaign_touch_count: d.campaigns.touchCount,
      })),
      onConflict: {
        target: ['profile_id'],
        update: [
          { column: 'item_count', expression: 'p.item_count + EXCLUDED.item_count' },
          { column: 'first_seen_ms', expression: 'LEAST(p.first_seen_ms, EXCLUDED.first_seen_ms)' },
          { column: 'last_seen_ms', expression: 'GREATEST(p.last_seen_ms, EXCLUDED.last_seen_ms)' },
          { column: 'has_non_test_item', expression: 'p.has_non_test_item OR EXCLUDED.has_non_test_item' },
          { column: 'campaign_touch_count', expression: 'p.campaign_touch_count + EXCLUDED.campaign_touch_count' },
          // Every profile a slice folds into gets its next version here, in the write it needs anyway, instead of
          // a second UPDATE of the row when its change is published (versions may skip; they only ever grow).
          { column: 'version', expression: 'p.version + 1' },
          { column: 'updated_at', expression: 'now()' },
        ],
      },
    }),
  );

  const traits: TraitRow[] = [];
  const counters: Array<Record<string, unknown>> = [];
  const touches: Array<Record<string, unknown>> = [];
  const identifiers: Array<Record<string, unknown>> = [];
  const emails: Array<Record<string, unknown>> = [];
  for (const [profileId, d] of entries) {
    for (const [field, registers] of d.traits) traits.push(...traitRows(profileId, field, registers));
    for (const [name, c] of d.counters)
      counters.push({ profile_id: profileId, event_name: name, event_count: c.count, first_at_ms: c.firstAt, last_at_ms: c.lastAt });
    for (const t of d.campaigns.pending) {
      touches.push({
        profile_id: profileId,
        source_id: t.sourceId,
        message_id: t.messageId,
        occurred_at_ms: t.occurredAt,
        utm_source: t.source,
        utm_medium: t.medium,
        utm_campaign: t.name,
        utm_term: t.term,
        utm_content: t.content,
      });
    }
    for (const identifier of d.identifiers) {
      const parts = parseIdentifierText(identifier);
      if (parts)
        identifiers.push({
          id_type: parts.type,
          id_value: parts.value,
          profile_id: profileId,
          first_seen_ms: d.firstSeen ?? 0,
          text: identifier,
        });
    }
    for (const [email, p] of d.emails)
      emails.push({
        email,
        profile_id: profileId,
        source_id: p.sourceId,
        priority: p.priority,
        occurred_at_ms: p.occurredAt,
        message_id: p.messageId,
      });
  }

  if (traits.length > 0) {
    traits.sort(byKey((r) => `${String(r.profile_id)}\u0000${String(r.field)}\u0000${String(r.mode)}`));
    await runQuery(
      tx,
      buildUnnestInsert({
        table: 'profile_traits',
        alias: 't',
        columns: [
          { name: 'profile_id', type: 'text' },
          { name: 'field', type: 'text' },
          { name: 'mode', type: 'text' },
          { name: 'value', type: 'jsonb' },
          { name: 'tombstone', type: 'boolean' },
          { name: 'source_id', type: 'text' },
          { name: 'priority', type: 'integer' },
          { name: 'occurred_at_ms', type: 'bigint' },
          { name: 'message_id', type: 'text' },
          { name: 'origin', type: 'jsonb' },
        ],
        rows: traits as unknown as Array<Record<string, unknown>>,
        onConflict: { target: ['profile_id', 'field', 'mode'], update: [...TRAIT_COLUMNS], where: TRAIT_BEATS_STORED },
      }),
    );
  }
  if (counters.length > 0) {
    await runQuery(
      tx,
      buildUnnestInsert({
        table: 'profile_event_counts',
        alias: 'c',
        columns: [
          { name: 'profile_id', type: 'text' },
          { name: 'event_name', type: 'text' },
          { name: 'event_count', type: 'bigint' },
          { name: 'first_at_ms', type: 'bigint' },
          { name: 'last_at_ms', type: 'bigint' },
        ],
        rows: counters,
        onConflict: {
          target: ['profile_id', 'event_name'],
          update: [
            { column: 'event_count', expression: 'c.event_count + EXCLUDED.event_count' },
            { column: 'first_at_ms', expression: 'LEAST(c.first_at_ms, EXCLUDED.first_at_ms)' },
            { column: 'last_at_ms', expression: 'GREATEST(c.last_at_ms, EXCLUDED.last_at_ms)' },
          ],
        },
      }),
    );
  }
  if (touches.length > 0) {
    await runQuery(
      tx,
      buildUnnestInsert({
        table: 'profile_campaign_touches',
        columns: [
          'profile_id',
          'source_id',
          'message_id',
          'occurred_at_ms',
          'utm_source',
          'utm_medium',
          'utm_campaign',
          'utm_term',
          'utm_content',
        ].map((name) => ({ name, type: name === 'occurred_at_ms' ? 'bigint' : 'text' })),
        rows: touches,
        onConflict: { target: ['profile_id', 'source_id', 'message_id'], action: 'nothing' },
      }),
    );
  }
  identifiers.sort(byKey((r) => `${String(r.id_type)}\u0000${String(r.id_value)}`));
  const attributed = dedupeBy(identifiers, (r) => `${String(r.id_type)}\u0000${String(r.id_value)}`);
  for (const row of attributed) attribution.set(String(row.text), String(row.profile_id));
  const moved = attributed.filter((row) => !held.get(String(row.profile_id))?.has(String(row.text)));
  if (moved.length > 0) {
    await runQuery(
      tx,
      buildUnnestInsert({
        table: 'profile_identifiers',
        alias: 'i',
        columns: [
          { name: 'id_type', type: 'text' },
          { name: 'id_value', type: 'text' },
          { name: 'profile_id', type: 'text' },
          { name: 'first_seen_ms', type: 'bigint' },
        ],
        rows: moved,
        // The resolver decides where an identifier lives; the latest attribution wins (a split moves identifiers).
        onConflict: { target: ['id_type', 'id_value'], update: ['profile_id'], where: 'i.profile_id <> EXCLUDED.profile_id' },
      }),
    );
  }
  if (emails.length > 0) await upsertEmailObservations(tx, emails);
  await writeOrderBooks(tx, entries);
  return attribution;
}

export async function upsertEmailObservations(tx: SqlExecutor, rows: Array<Record<string, unknown>>): Promise<void> {
  rows.sort(byKey((r) => `${String(r.email)}\u0000${String(r.profile_id)}`));
  await runQuery(
    tx,
    buildUnnestInsert({
      table: 'email_observations',
      alias: 't',
      columns: [
        { name: 'email', type: 'text' },
        { name: 'profile_id', type: 'text' },
        { name: 'source_id', type: 'text' },
        { name: 'priority', type: 'integer' },
        { name: 'occurred_at_ms', type: 'bigint' },
        { name: 'message_id', type: 'text' },
      ],
      rows,
      onConflict: {
        target: ['email', 'profile_id'],
        update: ['source_id', 'priority', 'occurred_at_ms', 'message_id'],
        where: EMAIL_OBSERVATION_BEATS_STORED,
      },
    }),
  );
}

/** Two profiles of one batch may carry the same identifier before the resolver's merge lands; keep the last. */
function dedupeBy<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const byId = new Map<string, T>();
  for (const row of rows) byId.set(key(row), row);
  return [...byId.values()];
}
