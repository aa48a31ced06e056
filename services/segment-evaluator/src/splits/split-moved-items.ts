import type { SqlExecutor } from '@tessera/kafka';

/** An item as a split names it: `sourceId` `''` for a v1 split, which names message ids only (any source). */
export interface NamedItem {
  sourceId: string;
  messageId: string;
}

const keyOf = (sourceId: string, messageId: string) => `${sourceId}\u0000${messageId}`;

/**
 * Points each event a split gave to another profile at that profile, whatever profile it was keyed to: an item
 * resolved before the split arrives (or is replayed) keyed to the survivor. One indexed lookup per slice; the
 * table holds only items that splits named.
 */
export async function redirectSplitItems(
  tx: SqlExecutor,
  events: Array<{ profileId: string; sourceId: string; messageId: string }>,
): Promise<void> {
  const { rows } = await tx.query<{ message_id: string; source_id: string; profile_id: string }>(
    'SELECT message_id, source_id, profile_id FROM split_moved_items WHERE message_id = ANY($1::text[])',
    [events.map((e) => e.messageId)],
  );
  if (rows.length === 0) return;
  const owner = new Map(rows.map((r) => [keyOf(r.source_id, r.message_id), r.profile_id]));
  for (const e of events) e.profileId = owner.get(keyOf(e.sourceId, e.messageId)) ?? owner.get(keyOf('', e.messageId)) ?? e.profileId;
}

/** Remembers the items a split gave to `profileId` (a later split of the same item wins). */
export async function recordSplitMoves(tx: SqlExecutor, profileId: string, items: readonly NamedItem[]): Promise<void> {
  if (items.length === 0) return;
  await tx.query(
    `INSERT INTO split_moved_items (message_id, source_id, profile_id) SELECT m, s, $3 FROM unnest($1::text[], $2::text[]) AS x(m, s)
     ON CONFLICT (message_id, source_id) DO UPDATE SET profile_id = EXCLUDED.profile_id`,
    [items.map((i) => i.messageId), items.map((i) => i.sourceId), profileId],
  );
}

/**
 * Moves the named items' events from `from` to `to` (the history rows keyed by message id; a row stored before
 * sources were kept has source `''` and matches by message id). A replayed split finds nothing left to move.
 */
export async function moveSplitEvents(tx: SqlExecutor, from: string, to: string, items: readonly NamedItem[]): Promise<void> {
  if (items.length === 0) return;
  await tx.query(
    `WITH moved AS (
       DELETE FROM profile_events e USING unnest($3::text[], $4::text[]) AS n(message_id, source_id)
        WHERE e.profile_id = $1 AND e.message_id = n.message_id AND (n.source_id = '' OR e.source_id = '' OR e.source_id = n.source_id)
       RETURNING e.message_id, e.name, e.at_ms, e.properties, e.source_id, e.order_key
     )
     INSERT INTO profile_events (profile_id, message_id, name, at_ms, properties, source_id, order_key)
     SELECT $2, message_id, name, at_ms, properties, source_id, order_key FROM moved
     ON CONFLICT (profile_id, message_id) DO NOTHING`,
    [from, to, items.map((i) => i.messageId), items.map((i) => i.sourceId)],
  );
}
