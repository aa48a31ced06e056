import { decodeOutboxBatch, type PackedMessage } from './outbox-batch-codec';
import { KafkaTables } from './kafka-tables.ddl';
import { OUTBOX_LANES } from './outbox-writer';
import type { SqlExecutor } from './sql-client';

/** A claimed outbox row: a plain one-message row (kafka_outbox, written by earlier releases) or a packed one. */
export interface OutboxRow {
  table: typeof KafkaTables.outbox | typeof KafkaTables.outboxBatches;
  id: string;
  message_count: number;
  messages: PackedMessage[];
}

interface PlainRow {
  id: string;
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

interface PackedRow {
  id: string;
  message_count: number;
  packed: Buffer;
}

const LANE_FILTER = 'WHERE lane = ANY($1::smallint[]) ORDER BY id LIMIT $2';

/**
 * The oldest rows of the given lanes, up to about `budget` messages, locked for the caller's transaction:
 * plain rows first (they predate every packed row), then a prefix of the packed rows (so each lane stays in
 * order) that fills the budget. A packed row is never split, so a round may take a few more than the budget.
 */
export async function claimOutboxRows(tx: SqlExecutor, lanes: readonly number[], budget: number, lock = 'FOR UPDATE SKIP LOCKED'): Promise<OutboxRow[]> {
  const { rows: plain } = await tx.query<PlainRow>(`SELECT id, topic, key, value, headers FROM ${KafkaTables.outbox} ${LANE_FILTER} ${lock}`, [lanes, budget]);
  const claimed: OutboxRow[] = plain.map((row) => ({ table: KafkaTables.outbox, id: row.id, message_count: 1, messages: [{ topic: row.topic, key: row.key, value: row.value, headers: row.headers }] }));
  let messages = claimed.length;
  if (messages >= budget) return claimed;
  const { rows: packed } = await tx.query<PackedRow>(`SELECT id, message_count, packed FROM ${KafkaTables.outboxBatches} ${LANE_FILTER} ${lock}`, [lanes, budget - messages]);
  for (const row of packed) {
    if (messages >= budget) break;
    claimed.push({ table: KafkaTables.outboxBatches, id: row.id, message_count: row.message_count, messages: decodeOutboxBatch(row.packed) });
    messages += row.message_count;
  }
  return claimed;
}

/** Deletes published rows from the tables they came from. */
export async function deleteOutboxRows(tx: SqlExecutor, rows: readonly OutboxRow[]): Promise<void> {
  for (const table of [KafkaTables.outbox, KafkaTables.outboxBatches]) {
    const ids = rows.filter((row) => row.table === table).map((row) => row.id);
    if (ids.length > 0) await tx.query(`DELETE FROM ${table} WHERE id = ANY($1::bigint[])`, [ids]);
  }
}

/** Every message still waiting in the outbox, in publishing order (for inspection and tests). */
export async function readOutboxMessages(db: SqlExecutor): Promise<PackedMessage[]> {
  const all = Array.from({ length: OUTBOX_LANES }, (_, lane) => lane);
  const rows = await claimOutboxRows(db, all, Number.MAX_SAFE_INTEGER, '');
  return rows.flatMap((row) => row.messages);
}
