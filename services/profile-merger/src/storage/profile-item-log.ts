import { decode, Topics, type ResolvedItem } from '@tessera/contracts';
import type { SqlExecutor } from '@tessera/kafka';
import { buildUnnestInsert } from '@tessera/persistence';
import type { IdentifierParts } from '../survivorship/identifier-text';
import { runQuery } from './run-query';

/** The identity of an identifier as a map key (a type never holds a NUL). */
const identifierKey = (identifier: IdentifierParts): string => `${identifier.type}\u0000${identifier.value}`;

/** An item's identity: two sources may reuse a messageId. */
export interface ItemKey {
  sourceId: string;
  messageId: string;
}

/** A pending move's source when the split named the item by message id only (cdp.identity.merges v1). */
export const ANY_SOURCE = '';

/** An item's identity as a map key (a source id never holds a NUL). */
export const itemKeyText = (item: ItemKey): string => `${item.sourceId}\u0000${item.messageId}`;

export interface LoggedItem {
  profileId: string;
  item: ResolvedItem;
  /** The message value as consumed (the contract's single-object encoding). */
  payload: Buffer;
}

/**
 * The per-profile item log (profile_items): what a split rebuilds profiles from, and the timeline. An item is
 * (source_id, message_id): two sources that reuse a messageId are two items.
 */
export class ProfileItemLog {
  async append(tx: SqlExecutor, items: readonly LoggedItem[]): Promise<void> {
    if (items.length === 0) return;
    await runQuery(
      tx,
      buildUnnestInsert({
        table: 'profile_items',
        columns: [
          { name: 'profile_id', type: 'text' },
          { name: 'source_id', type: 'text' },
          { name: 'message_id', type: 'text' },
          { name: 'occurred_at_ms', type: 'bigint' },
          { name: 'payload', type: 'bytea' },
        ],
        rows: items.map(({ profileId, item, payload }) => ({
          profile_id: profileId,
          source_id: item.sourceId,
          message_id: item.messageId,
          occurred_at_ms: item.occurredAt,
          payload,
        })),
        onConflict: { target: ['profile_id', 'source_id', 'message_id'], action: 'nothing' },
      }),
    );
  }

  /**
   * The items of a split written as cdp.identity.merges v1, which names them by message id only: of the items
   * sharing a named id, those whose linked identifiers all moved are the split's (the resolver's own rule), the
   * others stay. With no such item (a change that lists no identifiers), every item of that id moves.
   */
  async itemsNamedByMessageId(
    tx: SqlExecutor,
    profileId: string,
    messageIds: readonly string[],
    movedIdentifiers: readonly IdentifierParts[],
  ): Promise<ItemKey[]> {
    const { rows } = await tx.query<{ source_id: string; message_id: string; payload: Buffer }>(
      'SELECT source_id, message_id, payload FROM profile_items WHERE profile_id = $1 AND message_id = ANY($2::text[])',
      [profileId, messageIds],
    );
    const moved = new Set(movedIdentifiers.map(identifierKey));
    const byMessage = new Map<string, Array<{ sourceId: string; qualifies: boolean }>>();
    for (const row of rows) {
      const identifiers = decode(Topics.EventsResolved, row.payload).identifiers;
      const qualifies = identifiers.length > 0 && identifiers.every((identifier) => moved.has(identifierKey(identifier)));
      byMessage.set(row.message_id, [...(byMessage.get(row.message_id) ?? []), { sourceId: row.source_id, qualifies }]);
    }
    return [...byMessage].flatMap(([messageId, items]) => {
      const chosen = items.some((item) => item.qualifies) ? items.filter((item) => item.qualifies) : items;
      return chosen.map((item) => ({ sourceId: item.sourceId, messageId }));
    });
  }

  /** Moves exactly the named items of one profile to another; returns how many moved. */
  async move(tx: SqlExecutor, fromProfileId: string, toProfileId: string, items: readonly ItemKey[]): Promise<number> {
    if (items.length === 0) return 0;
    const result = await tx.query(
      `UPDATE profile_items i SET profile_id = $1 FROM unnest($3::text[], $4::text[]) AS k(source_id, message_id)
        WHERE i.profile_id = $2 AND i.source_id = k.source_id AND i.message_id = k.message_id`,
      [toProfileId, fromProfileId, items.map((k) => k.sourceId), items.map((k) => k.messageId)],
    );
    return result.rowCount ?? 0;
  }

  /**
   * Remembers the moved items that are not in the new profile's log after the move: not received yet (they
   * travel on another topic than the split), so claimPendingMoves re-routes them when they arrive. An item whose
   * source is ANY_SOURCE (a v1 split, named by message id only) matches that message id from every source.
   */
  async rememberPendingMoves(tx: SqlExecutor, toProfileId: string, items: readonly ItemKey[], changeId: string): Promise<void> {
    if (items.length === 0) return;
    await tx.query(
      `INSERT INTO split_pending_moves (source_id, message_id, to_profile_id, change_id)
       SELECT k.source_id, k.message_id, $3, $4 FROM unnest($1::text[], $2::text[]) AS k(source_id, message_id)
        WHERE NOT EXISTS (SELECT 1 FROM profile_items i WHERE i.profile_id = $3 AND i.message_id = k.message_id AND (k.source_id = $5 OR i.source_id = k.source_id))
       ON CONFLICT (source_id, message_id) DO UPDATE SET to_profile_id = EXCLUDED.to_profile_id, change_id = EXCLUDED.change_id`,
      [items.map((k) => k.sourceId), items.map((k) => k.messageId), toProfileId, changeId, ANY_SOURCE],
    );
  }

  /**
   * Item -> profile a split sent it to, for the given items that a split named before they arrived (keyed by
   * itemKeyText). A pending move named by exact item wins over one named by message id only.
   */
  async claimPendingMoves(tx: SqlExecutor, items: readonly ItemKey[]): Promise<Map<string, string>> {
    const { rows } = await tx.query<{ source_id: string; message_id: string; to_profile_id: string }>(
      `DELETE FROM split_pending_moves p USING unnest($1::text[], $2::text[]) AS k(source_id, message_id)
        WHERE p.message_id = k.message_id AND p.source_id IN (k.source_id, $3) RETURNING p.source_id, p.message_id, p.to_profile_id`,
      [items.map((k) => k.sourceId), items.map((k) => k.messageId), ANY_SOURCE],
    );
    const exact = new Map(rows.map((row) => [itemKeyText({ sourceId: row.source_id, messageId: row.message_id }), row.to_profile_id]));
    const claimed = new Map<string, string>();
    for (const item of items) {
      const to = exact.get(itemKeyText(item)) ?? exact.get(itemKeyText({ sourceId: ANY_SOURCE, messageId: item.messageId }));
      if (to) claimed.set(itemKeyText(item), to);
    }
    return claimed;
  }

  /** Every item of the profile, oldest first (the order does not change the result; it keeps rebuilds readable). */
  async itemsOf(tx: SqlExecutor, profileId: string): Promise<ResolvedItem[]> {
    const { rows } = await tx.query<{ payload: Buffer }>(
      'SELECT payload FROM profile_items WHERE profile_id = $1 ORDER BY occurred_at_ms, message_id, source_id',
      [profileId],
    );
    return rows.map((row) => decode(Topics.EventsResolved, row.payload));
  }
}
