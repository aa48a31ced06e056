import type { SqlExecutor } from '@tessera/kafka';

export interface DedupeKey {
  sourceId: string;
  messageId: string;
}

export function dedupeKeyString(key: DedupeKey): string {
  return `${key.sourceId}\u0000${key.messageId}`;
}

const PRUNE_CHUNK = 10_000;

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

  /** Deletes expired keys in chunks (each its own short statement), so the table stays the window's size. */
  async prune(db: SqlExecutor, windowMs: number): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await db.query(
        `DELETE FROM dedupe_keys WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM dedupe_keys WHERE accepted_at < now() - make_interval(secs => $1::double precision / 1000) LIMIT ${PRUNE_CHUNK}))`,
        [windowMs],
      );
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < PRUNE_CHUNK) return total;
    }
  }
}
