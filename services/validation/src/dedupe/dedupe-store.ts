import type { SqlExecutor } from '@tessera/kafka';
import type { ExpiringTable } from '../maintenance/expired-rows';

export interface DedupeKey {
  sourceId: string;
  messageId: string;
}

export function dedupeKeyString(key: DedupeKey): string {
  return `${key.sourceId}\u0000${key.messageId}`;
}

/** What DedupePrunerService deletes once older than the window. */
export const DEDUPE_KEYS: ExpiringTable = { table: 'dedupe_keys', timeColumn: 'accepted_at', what: 'expired dedupe keys' };

/**
 * Exact dedupe by (sourceId, messageId) on a primary key in validation's schema, written in the batch transaction
 * that also writes the outputs and the consumed offset: a key exists if and only if its item was emitted, across
 * restarts and redeliveries. A key older than the window no longer blocks (it is reclaimed in place), so the
 * window is exact even before the pruner has deleted it.
 */
export class DedupeStore {
  /**
   * Claims the keys of accepted items; returns the ones claimed (new, or expired and reclaimed). The others were
   * accepted within the window: duplicates. Keys must be distinct; they are sorted so concurrent batches that
   * share keys lock them in the same order (no deadlock).
   */
  async claim(tx: SqlExecutor, keys: readonly DedupeKey[], windowMs: number): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const sorted = [...keys].sort((a, b) =>
      a.sourceId === b.sourceId ? (a.messageId < b.messageId ? -1 : 1) : a.sourceId < b.sourceId ? -1 : 1,
    );
    const { rows } = await tx.query<{ source_id: string; message_id: string }>(
      `INSERT INTO dedupe_keys AS d (source_id, message_id, accepted_at)
       SELECT s, m, now() FROM unnest($1::text[], $2::text[]) AS k(s, m)
       ON CONFLICT (source_id, message_id) DO UPDATE SET accepted_at = EXCLUDED.accepted_at
       WHERE d.accepted_at < now() - make_interval(secs => $3::double precision / 1000)
       RETURNING source_id, message_id`,
      [sorted.map((k) => k.sourceId), sorted.map((k) => k.messageId), windowMs],
    );
    return new Set(rows.map((row) => dedupeKeyString({ sourceId: row.source_id, messageId: row.message_id })));
  }
}
