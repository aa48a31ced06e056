import { randomUUID } from 'node:crypto';
import { KafkaTables } from './kafka-tables.ddl';
import { MessageHeaders } from './message-headers';
import { encodeOutboxBatch, type PackedMessage } from './outbox-batch-codec';
import type { SqlExecutor } from './sql-client';

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

/** Number of ordering lanes. Relays split work by lane; one key always maps to one lane. Never change casually. */
export const OUTBOX_LANES = 16;
/** NOTIFY channel; the payload is the writer's schema so relays of other services ignore it. */
export const OUTBOX_NOTIFY_CHANNEL = 'tessera_outbox';

/** FNV-1a over the key bytes: cheap and stable across processes and versions. */
export function laneOf(key: Buffer | null, fallback: string): number {
  const bytes = key ?? Buffer.from(fallback);
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % OUTBOX_LANES;
}

function toBuffer(v: Buffer | string | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v) : v;
}

/**
 * Header values stay free of U+0000 (a DLQ detail quoting bad input may contain it; it becomes U+FFFD), as they
 * were when the outbox kept headers as jsonb, which cannot hold it.
 */
function withoutNul(headers: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) if (value.includes('\u0000')) headers[name] = value.replace(/\u0000/g, '\uFFFD');
  return headers;
}

/** Messages per packed row: bounded so one row stays a modest, evenly sized unit of relay work. */
const MAX_MESSAGES_PER_PACKED_ROW = 500;

/**
 * Writes the messages into the caller's transaction as packed outbox rows (outbox-batch-codec.ts): per lane, in
 * order, up to 500 messages a row. Each message is stamped with a fresh message id unless it has one, and relays
 * are notified (the NOTIFY is delivered only if the transaction commits). The packed bytes are bound one per
 * parameter, which node-postgres sends binary, instead of hex-escaped inside an array literal.
 * Returns the message ids in input order.
 */
export async function writeOutbox(tx: SqlExecutor, entries: readonly OutboxEntry[]): Promise<string[]> {
  if (entries.length === 0) return [];
  const ids: string[] = [];
  const lanes = new Map<number, PackedMessage[]>();
  for (const { topic, message } of entries) {
    const id = message.headers?.[MessageHeaders.messageId] ?? randomUUID();
    const key = toBuffer(message.key);
    const lane = laneOf(key, id);
    ids.push(id);
    const list = lanes.get(lane) ?? [];
    if (list.length === 0) lanes.set(lane, list);
    list.push({ topic, key, value: toBuffer(message.value), headers: withoutNul({ ...message.headers, [MessageHeaders.messageId]: id }) });
  }
  const values: unknown[] = [];
  const tuples: string[] = [];
  for (const [lane, messages] of lanes) {
    for (let start = 0; start < messages.length; start += MAX_MESSAGES_PER_PACKED_ROW) {
      const chunk = messages.slice(start, start + MAX_MESSAGES_PER_PACKED_ROW);
      const at = values.push(lane, chunk.length, encodeOutboxBatch(chunk)) - 3;
      tuples.push(`($${at + 1}::smallint, $${at + 2}::int, $${at + 3}::bytea)`);
    }
  }
  await tx.query(`INSERT INTO ${KafkaTables.outboxBatches} (lane, message_count, packed) VALUES ${tuples.join(', ')}`, values);
  await tx.query('SELECT pg_notify($1, current_schema())', [OUTBOX_NOTIFY_CHANNEL]);
  return ids;
}
