import { KafkaTables } from './kafka-tables.ddl';
import type { SqlExecutor } from './sql-client';

/**
 * Remembers which message ids a group has applied, for messages without a `tessera-seq` header (those are
 * deduped by sequence-dedupe.ts): direct producer sends, relays of earlier releases. One set-based statement per
 * batch: the ids that come back from RETURNING are new; the others were applied before (sent again).
 */
export class InboxDedupe {
  constructor(private readonly groupId: string) {}

  /** Records the ids and returns the subset that was not seen before. Duplicates inside `ids` count once. */
  async claim(tx: SqlExecutor, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const distinct = [...new Set(ids)];
    const { rows } = await tx.query<{ message_id: string }>(
      `INSERT INTO ${KafkaTables.inbox} (group_id, message_id)
       SELECT $1, id FROM unnest($2::text[]) AS id
       ON CONFLICT (group_id, message_id) DO NOTHING
       RETURNING message_id`,
      [this.groupId, distinct],
    );
    return new Set(rows.map((r) => r.message_id));
  }

  /**
   * Forgets ids older than the retention window, in chunks so a large backlog never holds long locks or bloats
   * one transaction. A duplicate can only arrive while its outbox row exists (until a relay deletes it), so the
   * window only has to outlast the longest relay outage.
   */
  async prune(db: SqlExecutor, retentionMs: number, chunk = 10_000): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await db.query(
        `DELETE FROM ${KafkaTables.inbox} WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM ${KafkaTables.inbox}
           WHERE group_id = $1 AND received_at < now() - ($2::bigint * interval '1 millisecond')
           LIMIT $3))`,
        [this.groupId, retentionMs, chunk],
      );
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < chunk) return total;
    }
  }
}
