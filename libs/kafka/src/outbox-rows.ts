import { decodeOutboxBatch, type PackedMessage } from './outbox-batch-codec';
import { KafkaTables } from './kafka-tables.ddl';
import type { SqlExecutor } from './sql-client';

/** An outbox row as stored: one plain message, or many packed ones. */
export interface OutboxRow {
  id: string;
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Many messages in one row (outbox-batch-codec.ts); null for a plain one-message row. */
  packed: Buffer | null;
  message_count: number;
}

export const OUTBOX_ROW_COLUMNS = 'id, topic, key, value, headers, packed, message_count';

export function messagesOfRow(row: OutboxRow): PackedMessage[] {
  return row.packed ? decodeOutboxBatch(row.packed) : [{ topic: row.topic, key: row.key, value: row.value, headers: row.headers }];
}

/** Every message still waiting in the outbox, in publishing order (for inspection and tests). */
export async function readOutboxMessages(db: SqlExecutor): Promise<PackedMessage[]> {
  const { rows } = await db.query<OutboxRow>(`SELECT ${OUTBOX_ROW_COLUMNS} FROM ${KafkaTables.outbox} ORDER BY id`);
  return rows.flatMap(messagesOfRow);
}
