import { randomUUID } from 'node:crypto';
import { KafkaTables } from './kafka-tables.ddl';
import { MessageHeaders } from './message-headers';
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

/**
 * Writes outbox rows in one multi-row statement inside the caller's transaction, stamps each message with a
 * fresh message id, and notifies relays (the NOTIFY is delivered only if the transaction commits).
 * Returns the message ids in input order.
 */
export async function writeOutbox(tx: SqlExecutor, entries: readonly OutboxEntry[]): Promise<string[]> {
  if (entries.length === 0) return [];
  const ids: string[] = [];
  const topics: string[] = [];
  const lanes: number[] = [];
  const keys: (Buffer | null)[] = [];
  const values: (Buffer | null)[] = [];
  const headers: string[] = [];
  for (const { topic, message } of entries) {
    const id = message.headers?.[MessageHeaders.messageId] ?? randomUUID();
    const key = toBuffer(message.key);
    ids.push(id);
    topics.push(topic);
    lanes.push(laneOf(key, id));
    keys.push(key);
    values.push(toBuffer(message.value));
    headers.push(JSON.stringify({ ...message.headers, [MessageHeaders.messageId]: id }, withoutNul));
  }
  await tx.query(
    `INSERT INTO ${KafkaTables.outbox} (message_id, topic, lane, key, value, headers)
     SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[], $4::bytea[], $5::bytea[], $6::jsonb[])`,
    [ids, topics, lanes, keys, values, headers],
  );
  await tx.query('SELECT pg_notify($1, current_schema())', [OUTBOX_NOTIFY_CHANNEL]);
  return ids;
}
