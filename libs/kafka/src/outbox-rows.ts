import { decodeOutboxBatch, type PackedMessage } from './outbox-batch-codec';
import { KafkaTables } from './kafka-tables.ddl';
import type { OutboxMemory } from './outbox-memory';
import { MessageHeaders } from './message-headers';
import { formatOutboxSequence, sequencePosition } from './outbox-sequence';
import type { SqlExecutor } from './sql-client';

/** A claimed packed outbox row, its messages stamped with their sequence. */
export interface OutboxRow {
  id: string;
  message_count: number;
  messages: PackedMessage[];
}

interface PackedRow {
  id: string;
  lane: string;
  message_count: number;
  /**
   * Base64, not bytea's hex text: node-postgres has no lossless binary result for bytes (it decodes every field as
   * UTF-8 text first), and decoding base64 costs it less than half the CPU of hex (3.0 against 6.9 ms per MiB).
   * Null for a row the outbox memory holds.
   */
  packed: string | null;
  origin: string;
}

/**
 * The oldest committed rows, in id order, up to about `budget` messages (a packed row is never split, so a round may
 * take a few more). Each lane's rows become visible in id order (outbox-lane.ts), so the rows taken are a prefix of
 * each lane's, and a republish after a crash takes the same prefix again, or a longer one. A window sum over the
 * primary key picks the rows that fit before any packed bytes are read, so a backlog costs a round only the rows it
 * publishes, and the bytes of a row the memory holds are not read at all. No row locks: the relay's advisory lock
 * makes it the only reader of this outbox.
 */
export async function claimOutboxRows(tx: SqlExecutor, budget: number, memory: OutboxMemory): Promise<OutboxRow[]> {
  const { rows } = await tx.query<PackedRow>(
    `WITH head AS (
       SELECT id, sum(message_count) OVER (ORDER BY id) - message_count AS before
       FROM (SELECT id, message_count FROM ${KafkaTables.outboxBatches} ORDER BY id LIMIT $1) AS oldest)
     SELECT b.id, b.lane, b.message_count, (SELECT origin FROM ${KafkaTables.outboxOrigin}) AS origin,
            CASE WHEN b.id = ANY ($2::bigint[]) THEN NULL ELSE encode(b.packed, 'base64') END AS packed
     FROM head JOIN ${KafkaTables.outboxBatches} b ON b.id = head.id WHERE head.before < $1 ORDER BY b.id`,
    [budget, memory.ids()],
  );
  return rows.map((row) => ({ id: row.id, message_count: row.message_count, messages: withSequences(row, memory) }));
}

/** Stamps each message with its place in its lane (a header copied from a consumed message is replaced). */
function withSequences(row: PackedRow, memory: OutboxMemory): PackedMessage[] {
  const remembered = row.packed === null ? memory.messagesOf(row.id) : undefined;
  // Forgotten between the query and here cannot happen (one relay round at a time), but a wrong guess costs a throw, not a loss.
  if (row.packed === null && !remembered) throw new Error(`outbox row ${row.id} is neither in memory nor read`);
  const messages = remembered ?? decodeOutboxBatch(Buffer.from(row.packed as string, 'base64'));
  // formatOutboxSequence's text, with the row's part built once.
  const prefix = formatOutboxSequence({ origin: row.origin, lane: row.lane, pos: 0n }).slice(0, -1);
  const first = sequencePosition(row.id, 0);
  messages.forEach((m, index) => {
    m.headers[MessageHeaders.sequence] = prefix + (first + BigInt(index)).toString();
  });
  return messages;
}

/** Deletes published rows. */
export async function deleteOutboxRows(tx: SqlExecutor, rows: readonly OutboxRow[]): Promise<void> {
  if (rows.length > 0) await tx.query(`DELETE FROM ${KafkaTables.outboxBatches} WHERE id = ANY($1::bigint[])`, [rows.map((row) => row.id)]);
}

/** Every committed message still waiting in the outbox, in publishing order and as written (no sequence header): for inspection and tests. */
export async function readOutboxMessages(db: SqlExecutor): Promise<PackedMessage[]> {
  const { rows } = await db.query<{ packed: Buffer }>(`SELECT packed FROM ${KafkaTables.outboxBatches} ORDER BY id`);
  return rows.flatMap((row) => decodeOutboxBatch(row.packed));
}
