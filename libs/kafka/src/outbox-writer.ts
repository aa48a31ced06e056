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

/** jsonb cannot hold U+0000 (a DLQ detail quoting bad input may contain it); it becomes U+FFFD. */
function withoutNul(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.includes('\u0000') ? value.replace(/\u0000/g, '\uFFFD') : value;
}

/** Messages per packed row: bounded so one row stays a modest, evenly sized unit of relay work. */
export const MAX_MESSAGES_PER_PACKED_ROW = 500;

interface OutboxRow {
  messageId: string;
  topic: string;
  lane: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: string;
  packed: Buffer | null;
  count: number;
}

/** A lane's messages in order: one plain row for a lone message, else packed rows (outbox-batch-codec). */
function rowsOfLane(lane: number, messages: ReadonlyArray<PackedMessage & { id: string }>): OutboxRow[] {
  if (messages.length === 1) {
    const [m] = messages;
    return [{ messageId: m.id, topic: m.topic, lane, key: m.key, value: m.value, headers: JSON.stringify(m.headers, withoutNul), packed: null, count: 1 }];
  }
  const rows: OutboxRow[] = [];
  for (let start = 0; start < messages.length; start += MAX_MESSAGES_PER_PACKED_ROW) {
    const chunk = messages.slice(start, start + MAX_MESSAGES_PER_PACKED_ROW);
    rows.push({ messageId: chunk[0].id, topic: chunk[0].topic, lane, key: null, value: null, headers: '{}', packed: encodeOutboxBatch(chunk), count: chunk.length });
  }
  return rows;
}

/**
 * Writes outbox rows in one statement inside the caller's transaction, stamps each message with a fresh
 * message id, and notifies relays (the NOTIFY is delivered only if the transaction commits). Messages are
 * grouped by lane, in order, into packed rows; bytea values are bound one per parameter, which node-postgres
 * sends binary, instead of hex-escaped inside an array literal. Returns the message ids in input order.
 */
export async function writeOutbox(tx: SqlExecutor, entries: readonly OutboxEntry[]): Promise<string[]> {
  if (entries.length === 0) return [];
  const ids: string[] = [];
  const lanes = new Map<number, Array<PackedMessage & { id: string }>>();
  for (const { topic, message } of entries) {
    const id = message.headers?.[MessageHeaders.messageId] ?? randomUUID();
    const key = toBuffer(message.key);
    const lane = laneOf(key, id);
    ids.push(id);
    const list = lanes.get(lane) ?? [];
    if (list.length === 0) lanes.set(lane, list);
    list.push({ id, topic, key, value: toBuffer(message.value), headers: { ...message.headers, [MessageHeaders.messageId]: id } });
  }
  const rows = [...lanes].flatMap(([lane, messages]) => rowsOfLane(lane, messages));
  const values: unknown[] = [];
  const tuples = rows.map((row) => {
    const at = values.push(row.messageId, row.topic, row.lane, row.key, row.value, row.headers, row.packed, row.count) - 8;
    return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}::bytea, $${at + 5}::bytea, $${at + 6}::jsonb, $${at + 7}::bytea, $${at + 8})`;
  });
  await tx.query(`INSERT INTO ${KafkaTables.outbox} (message_id, topic, lane, key, value, headers, packed, message_count) VALUES ${tuples.join(', ')}`, values);
  await tx.query('SELECT pg_notify($1, current_schema())', [OUTBOX_NOTIFY_CHANNEL]);
  return ids;
}
