import { KafkaTables } from './kafka-tables.ddl';
import { MAX_MESSAGES_PER_PACKED_ROW, OutboxRowPacker, type PackedMessage, type PackedOutboxRow } from './outbox-batch-codec';
import type { OutboxLane } from './outbox-lane';
import { OUTBOX_MEMORY_KEY_SQL, outboxMemory } from './outbox-memory';
import type { SqlExecutor } from './sql-client';
import { StatementParams } from './statement-parts';

/** A message to publish later through the outbox. Header values are UTF-8 strings. */
export interface OutgoingMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, string>;
}

export interface OutboxEntry {
  topic: string;
  message: OutgoingMessage;
}

/** NOTIFY channel; the payload is the writer's schema so relays of other services ignore it. */
export const OUTBOX_NOTIFY_CHANNEL = 'tessera_outbox';

function toBuffer(v: Buffer | string | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v) : v;
}

/**
 * A copy of the headers with values free of U+0000 as the packer writes them (so the messages kept in memory are the
 * ones the table holds).
 */
function outgoingHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = headers ? { ...headers } : {};
  // for...in: Object.entries costs more per message.
  for (const name in out) if (out[name].includes('\u0000')) out[name] = out[name].replace(/\u0000/g, '\uFFFD');
  return out;
}

/**
 * Writes the messages into the caller's transaction as packed outbox rows of `lane` (outbox-batch-codec.ts), in
 * order, up to 500 messages a row. The lane must come from this transaction (consumerLane or lockWriterLane), whose
 * lock keeps the lane's rows in commit order. Relays are notified (the NOTIFY is delivered only if the transaction commits). The packed bytes are bound
 * one per parameter, which node-postgres sends binary, instead of hex-escaped inside an array literal. The messages
 * are also kept in this process's outbox memory (outbox-memory.ts), so its relay need not read them back.
 */
export async function writeOutbox(tx: SqlExecutor, lane: OutboxLane, entries: readonly OutboxEntry[]): Promise<void> {
  await writeOutboxLanes(tx, [{ lane, entries }]);
}

/** `writeOutbox` for rows packed ahead of the transaction (OutboxRowPacker). */
export async function writePackedOutbox(tx: SqlExecutor, lane: OutboxLane, rows: readonly PackedOutboxRow[]): Promise<void> {
  await writeOutboxLanes(tx, [{ lane, entries: [], packed: rows }]);
}

/** A data-modifying statement (an INSERT, UPDATE or DELETE without RETURNING) that rides along in the outbox insert. */
export type AlongsideWrite = (params: StatementParams) => string;

/**
 * `writeOutbox` for several lanes of one transaction (a group commit's partitions): one statement for all of them.
 * Rows are inserted lane after lane, each lane's in order, so each lane's ids still follow its order. `alongside`
 * writes of the same transaction (the offset advance, the sequence marks) run in the same statement as WITH
 * clauses, which Postgres runs to completion whatever the main query reads: a round trip each saved.
 */
export async function writeOutboxLanes(
  tx: SqlExecutor,
  lanes: readonly { lane: OutboxLane; entries: readonly OutboxEntry[]; packed?: readonly PackedOutboxRow[] }[],
  alongside: readonly AlongsideWrite[] = [],
): Promise<void> {
  const params = new StatementParams();
  const tuples: string[] = [];
  // A row packed ahead is remembered as its bytes, decoded if its relay claims it.
  const chunks: Array<{ messages: PackedMessage[] | null; packed: Buffer }> = [];
  const packer = new OutboxRowPacker();
  for (const { lane, entries, packed: packedAhead = [] } of lanes) {
    if (lane.tx !== tx) throw new Error(`writeOutbox: lane ${lane.id} was locked by another transaction`);
    const messages: PackedMessage[] = [];
    for (const { topic, message } of entries) {
      const m = { topic, key: toBuffer(message.key), value: toBuffer(message.value), headers: outgoingHeaders(message.headers) };
      messages.push(m);
      packer.add(m.topic, m.key, m.value, m.headers);
    }
    packer.take().forEach(({ packed, stored, count }, i) => {
      chunks.push({ messages: messages.slice(i * MAX_MESSAGES_PER_PACKED_ROW, i * MAX_MESSAGES_PER_PACKED_ROW + count), packed });
      tuples.push(`(${params.bind(lane.id)}::text, ${params.bind(count)}::int, ${params.bind(stored)}::bytea)`);
    });
    for (const { packed, stored, count } of packedAhead) {
      chunks.push({ messages: null, packed });
      tuples.push(`(${params.bind(lane.id)}::text, ${params.bind(count)}::int, ${params.bind(stored)}::bytea)`);
    }
  }
  const others = alongside.map((write, i) => `w${i} AS (${write(params)})`);
  if (tuples.length === 0) {
    if (others.length > 0) await tx.query(`WITH ${others.join(', ')} SELECT 1`, params.values);
    return;
  }
  // One round trip: the INSERT in a data-modifying WITH runs to completion, and the NOTIFY rides along.
  const { rows } = await tx.query<{ id: string; memory_key: string }>(
    `WITH ${[...others, ''].join(', ')}written AS (INSERT INTO ${KafkaTables.outboxBatches} (lane, message_count, packed) VALUES ${tuples.join(', ')} RETURNING id),
          notified AS (SELECT pg_notify(${params.bind(OUTBOX_NOTIFY_CHANNEL)}, current_schema()))
     SELECT written.id, ${OUTBOX_MEMORY_KEY_SQL} AS memory_key FROM written, notified`,
    params.values,
  );
  // The ids come from the sequence in VALUES order, so ascending ids are the chunks in order.
  const inserted = rows.map((row) => BigInt(row.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const memory = outboxMemory(rows[0].memory_key);
  inserted.forEach((id, i) =>
    memory.remember(id.toString(), chunks[i].messages ?? chunks[i].packed, chunks[i].packed.length, chunks[i].packed),
  );
}
