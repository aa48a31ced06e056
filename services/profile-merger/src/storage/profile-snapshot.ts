import type { SqlExecutor } from '@tessera/kafka';
import type { IdentifierAttribution } from './profile-delta-writer';
import { parseIdentifierText, type IdentifierParts } from '../survivorship/identifier-text';
import { joinOrderBooks, type CurrencyOrigin, type OrderFact, type OrderFactKind } from '../survivorship/order-book';
import { compareText } from '../survivorship/provenance';
import { emptyProfileState, type CampaignTouch, type ProfileState } from '../survivorship/profile-state';
import { addTraitRow, type TraitRow } from './trait-rows';

/** A stored profile read back as survivorship state, plus what only storage knows. */
export interface ProfileSnapshot {
  profileId: string;
  status: 'active' | 'merged';
  mergedInto: string | null;
  version: number;
  bestEmail: string | null;
  state: ProfileState;
  /** Identifiers as stored (type, value), sorted. */
  identifiers: Array<{ type: string; value: string }>;
}

const num = (value: string | number | null): number | null => (value === null ? null : Number(value));

export interface TouchRow {
  profile_id: string;
  source_id: string;
  message_id: string;
  occurred_at_ms: string;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
}

export function touchFromRow(row: TouchRow): CampaignTouch {
  return {
    sourceId: row.source_id,
    messageId: row.message_id,
    occurredAt: Number(row.occurred_at_ms),
    source: row.utm_source,
    medium: row.utm_medium,
    name: row.utm_campaign,
    term: row.utm_term,
    content: row.utm_content,
  };
}

/** Named, not `*`: the consumer runs these reads as prepared statements, and a later column must not change them. */
const PROFILE_COLUMNS =
  'profile_id, status, merged_into, version, item_count, first_seen_ms, last_seen_ms, best_email, has_non_test_item, campaign_touch_count';
const TOUCH_COLUMNS = 'profile_id, source_id, message_id, occurred_at_ms, utm_source, utm_medium, utm_campaign, utm_term, utm_content';

interface ProfileRow {
  profile_id: string;
  status: 'active' | 'merged';
  merged_into: string | null;
  version: string;
  item_count: string;
  first_seen_ms: string | null;
  last_seen_ms: string | null;
  best_email: string | null;
  has_non_test_item: boolean;
  campaign_touch_count: string;
}

/**
 * Reads whole profiles with one indexed query per table for the given ids (a batch's worth, never a scan):
 * each child table's primary key starts with profile_id, or has an index on it.
 */
export async function loadProfileSnapshots(tx: SqlExecutor, profileIds: readonly string[]): Promise<Map<string, ProfileSnapshot>> {
  const snapshots = new Map<string, ProfileSnapshot>();
  if (profileIds.length === 0) return snapshots;
  const ids = [...new Set(profileIds)];
  const profiles = await tx.query<ProfileRow>(`SELECT ${PROFILE_COLUMNS} FROM profiles WHERE profile_id = ANY($1::text[])`, [ids]);
  for (const row of profiles.rows) {
    const state = emptyProfileState();
    state.itemCount = Number(row.item_count);
    state.firstSeen = num(row.first_seen_ms);
    state.lastSeen = num(row.last_seen_ms);
    state.hasNonTestItem = row.has_non_test_item;
    state.campaigns.touchCount = Number(row.campaign_touch_count);
    snapshots.set(row.profile_id, {
      profileId: row.profile_id,
      status: row.status,
      mergedInto: row.merged_into,
      version: Number(row.version),
      bestEmail: row.best_email,
      state,
      identifiers: [],
    });
  }
  const stateOf = (id: string): ProfileState | undefined => snapshots.get(id)?.state;

  const traits = await tx.query<TraitRow>(
    'SELECT profile_id, field, mode, value, tombstone, source_id, priority, occurred_at_ms, message_id, origin FROM profile_traits WHERE profile_id = ANY($1::text[])',
    [ids],
  );
  for (const row of traits.rows) {
    const state = stateOf(row.profile_id);
    if (!state) continue;
    const registers = state.traits.get(row.field) ?? {};
    addTraitRow(registers, row);
    state.traits.set(row.field, registers);
  }

  const counters = await tx.query<{ profile_id: string; event_name: string; event_count: string; first_at_ms: string; last_at_ms: string }>(
    'SELECT profile_id, event_name, event_count, first_at_ms, last_at_ms FROM profile_event_counts WHERE profile_id = ANY($1::text[])',
    [ids],
  );
  for (const row of counters.rows) {
    stateOf(row.profile_id)?.counters.set(row.event_name, {
      count: Number(row.event_count),
      firstAt: Number(row.first_at_ms),
      lastAt: Number(row.last_at_ms),
    });
  }

  // First and last touch: two index probes per profile (profile_campaign_touches_by_time), never the history.
  const touches = await tx.query<TouchRow & { edge: 'first' | 'last' }>(
    `SELECT t.*, 'first' AS edge FROM unnest($1::text[]) AS ids(id)
       CROSS JOIN LATERAL (SELECT ${TOUCH_COLUMNS} FROM profile_campaign_touches WHERE profile_id = ids.id ORDER BY occurred_at_ms, message_id, source_id LIMIT 1) t
     UNION ALL
     SELECT t.*, 'last' AS edge FROM unnest($1::text[]) AS ids(id)
       CROSS JOIN LATERAL (SELECT ${TOUCH_COLUMNS} FROM profile_campaign_touches WHERE profile_id = ids.id ORDER BY occurred_at_ms DESC, message_id DESC, source_id DESC LIMIT 1) t`,
    [ids],
  );
  for (const row of touches.rows) {
    const state = stateOf(row.profile_id);
    if (state) state.campaigns[row.edge] = touchFromRow(row);
  }

  const emails = await tx.query<{
    email: string;
    profile_id: string;
    source_id: string;
    priority: number;
    occurred_at_ms: string;
    message_id: string;
  }>(
    'SELECT email, profile_id, source_id, priority, occurred_at_ms, message_id FROM email_observations WHERE profile_id = ANY($1::text[])',
    [ids],
  );
  for (const row of emails.rows) {
    stateOf(row.profile_id)?.emails.set(row.email, {
      sourceId: row.source_id,
      priority: row.priority,
      occurredAt: Number(row.occurred_at_ms),
      messageId: row.message_id,
    });
  }

  // The whole order book: a profile's orders are few, and its totals are derived from them (orderTotals).
  const orders = await tx.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM profile_orders WHERE profile_id = ANY($1::text[])`, [ids]);
  for (const row of orders.rows) {
    const state = stateOf(row.profile_id);
    if (state) joinOrderBooks(state.orders, new Map([[row.order_key, { [row.kind]: orderFactFromRow(row) }]]));
  }

  await loadIdentifiers(tx, snapshots);
  return snapshots;
}

const ORDER_COLUMNS = 'profile_id, order_key, kind, message_id, source_id, occurred_at_ms, amount_micros, currency, currency_origin';

interface OrderRow {
  profile_id: string;
  order_key: string;
  kind: OrderFactKind;
  message_id: string;
  source_id: string;
  occurred_at_ms: string;
  amount_micros: string | null;
  currency: string | null;
  currency_origin: CurrencyOrigin;
}

function orderFactFromRow(row: OrderRow): OrderFact {
  return {
    messageId: row.message_id,
    sourceId: row.source_id,
    occurredAt: Number(row.occurred_at_ms),
    amountMicros: num(row.amount_micros),
    currency: row.currency,
    currencyOrigin: row.currency_origin,
  };
}

/**
 * Brings snapshots' identifiers in line with a slice's attribution without reading them back: an identifier
 * the slice attributed to another profile leaves, one attributed to this profile joins. Call after joining the
 * slice's deltas into the snapshots (a delta may carry an identifier the attribution gave to another profile).
 */
export function attributeIdentifiers(snapshots: ReadonlyMap<string, ProfileSnapshot>, attribution: IdentifierAttribution): void {
  const holders = new Map<string, ProfileSnapshot[]>();
  for (const snapshot of snapshots.values()) {
    for (const text of snapshot.state.identifiers) {
      const list = holders.get(text);
      if (list) list.push(snapshot);
      else holders.set(text, [snapshot]);
    }
  }
  for (const [text, owner] of attribution) {
    for (const holder of holders.get(text) ?? []) if (holder.profileId !== owner) holder.state.identifiers.delete(text);
    snapshots.get(owner)?.state.identifiers.add(text);
  }
  listIdentifiers(snapshots);
}

/** Rebuilds each snapshot's sorted identifier list from its state's identifier set. */
export function listIdentifiers(snapshots: ReadonlyMap<string, ProfileSnapshot>): void {
  for (const snapshot of snapshots.values()) {
    snapshot.identifiers = [...snapshot.state.identifiers]
      .map(parseIdentifierText)
      .filter((parts): parts is IdentifierParts => parts !== undefined)
      .sort((a, b) => compareText(a.type, b.type) || compareText(a.value, b.value));
  }
}

/** Applies the best emails a reassignment changed (BestEmailAssigner.reassign's result). */
export function setBestEmails(snapshots: ReadonlyMap<string, ProfileSnapshot>, changed: ReadonlyMap<string, string | null>): void {
  for (const [profileId, email] of changed) {
    const snapshot = snapshots.get(profileId);
    if (snapshot) snapshot.bestEmail = email;
  }
}

async function loadIdentifiers(tx: SqlExecutor, snapshots: Map<string, ProfileSnapshot>): Promise<void> {
  const ids = [...snapshots.keys()];
  for (const snapshot of snapshots.values()) {
    snapshot.identifiers = [];
    snapshot.state.identifiers = new Set();
  }
  const identifiers = await tx.query<{ profile_id: string; id_type: string; id_value: string }>(
    'SELECT profile_id, id_type, id_value FROM profile_identifiers WHERE profile_id = ANY($1::text[]) ORDER BY id_type, id_value',
    [ids],
  );
  for (const row of identifiers.rows) {
    const snapshot = snapshots.get(row.profile_id);
    if (!snapshot) continue;
    snapshot.identifiers.push({ type: row.id_type, value: row.id_value });
    snapshot.state.identifiers.add(`${row.id_type}:${row.id_value}`);
  }
}
