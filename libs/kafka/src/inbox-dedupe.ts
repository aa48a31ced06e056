import { KafkaTables } from './kafka-tables.ddl';
import type { SqlExecutor } from './sql-client';

/**
 * Remembers which message ids a group has applied. One set-based statement per batch: the ids that come back
 * from RETURNING are new; the others were applied before (a relay re-published them).
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

  /** Forgets ids older than the retention window; a duplicate can only arrive while its outbox row exists. */
  async prune(db: SqlExecutor, retentionMs: number): Promise<number> {
    const { rowCount } = await db.query(
      `DELETE FROM ${KafkaTables.inbox} WHERE group_id = $1 AND received_at < now() - ($2::bigint * interval '1 millisecond')`,
      [this.groupId, retentionMs],
    );
    return rowCount ?? 0;
  }
}
