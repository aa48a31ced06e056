import { decodeOutboxBatch, type PackedMessage } from './outbox-batch-codec';
import { KafkaTables } from './kafka-tables.ddl';
import { MessageHeaders } from './message-headers';
import { formatOutboxSequence, sequencePosition } from './outbox-sequence';
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
  lane: number;
  message_count: number;
  packed: Buffer;
  writer_xid: string;
  origin: string | null;
}

/**
 * Rows with xid < HORIZON are settled: their writer is older than every running transaction. Every transaction
 * with a smaller xid has ended, and one that commits later has an xid at least this large: so rows become visible
 * in (xid, id) order, and publishing only these, in that order, never publishes a row behind one that appears
 * later. As a subquery the horizon is computed once per statement (the function is only stable: per row otherwise).
 */
const HORIZON = '(SELECT pg_snapshot_xmin(pg_current_snapshot()))';

/**
 * The oldest rows of the given lanes, up to about `budget` messages: plain rows first (they predate every packed
 * row), then a prefix, in (xid, id) order, of the settled packed rows (so each lane stays in order) that fills the
 * budget. A packed row is never split, so a round may take a few more than the budget. Packed messages get their
 * `tessera-seq` header; plain ones never carry one (they have no xid; consumers dedupe them on message id).
 * No row locks: the relay's advisory lane locks already make it the only reader of these lanes, and a row lock
 * would give the relay an xid for the whole publish, holding back every other outbox's settled horizon.
 */
export async function claimOutboxRows(tx: SqlExecutor, lanes: readonly number[], budget: number): Promise<OutboxRow[]> {
  const { rows: plain } = await tx.query<PlainRow>(
    `SELECT id, topic, key, value, headers FROM ${KafkaTables.outbox} WHERE lane = ANY($1::smallint[]) ORDER BY id LIMIT $2`,
    [lanes, budget],
  );
  const claimed: OutboxRow[] = plain.map((row) => {
    const headers = { ...row.headers };
    delete headers[MessageHeaders.sequence];
    return { table: KafkaTables.outbox, id: row.id, message_count: 1, messages: [{ topic: row.topic, key: row.key, value: row.value, headers }] };
  });
  let messages = claimed.length;
  if (messages >= budget) return claimed;
  // `oldest` walks the (xid, id) index without touching the packed bytes; only the rows that fit the budget are
  // then read whole (before, under a backlog, a round read up to `budget` rows and published two). The text form
  // of xid has a name of its own: ordering by the text would put 1000 before 999, and consumers would then drop
  // the later rows as duplicates.
  const { rows: packed } = await tx.query<PackedRow>(
    `WITH head AS (
       SELECT id, xid, sum(message_count) OVER (ORDER BY xid, id) - message_count AS before
       FROM (SELECT id, xid, message_count FROM ${KafkaTables.outboxBatches}
             WHERE lane = ANY($1::smallint[]) AND xid < ${HORIZON} ORDER BY xid, id LIMIT $2) AS oldest)
     SELECT b.id, b.lane, b.message_count, b.packed, b.xid::text AS writer_xid, (SELECT origin FROM ${KafkaTables.outboxOrigin}) AS origin
     FROM head JOIN ${KafkaTables.outboxBatches} b ON b.id = head.id WHERE head.before < $2 ORDER BY head.xid, head.id`,
    [lanes, budget - messages],
  );
  for (const row of packed) {
    if (messages >= budget) break;
    claimed.push({ table: KafkaTables.outboxBatches, id: row.id, message_count: row.message_count, messages: withSequences(row) });
    messages += row.message_count;
  }
  return claimed;
}

/** Stamps each message with its place in the outbox (a header copied from a consumed message is replaced). */
function withSequences(row: PackedRow): PackedMessage[] {
  const messages = decodeOutboxBatch(row.packed);
  const { origin, lane } = row;
  const xid = BigInt(row.writer_xid);
  messages.forEach((m, index) => {
    if (origin === null) delete m.headers[MessageHeaders.sequence];
    else m.headers[MessageHeaders.sequence] = formatOutboxSequence({ origin, lane, xid, pos: sequencePosition(row.id, index) });
  });
  return messages;
}

/**
 * Whether these lanes hold a packed row the round did not claim: one that waits behind a still-running older
 * transaction, or one committed since the claim (worth polling soon either way). Asked as "is the newest row one
 * of ours", not as "is the newest row past the horizon": the horizon may move between the claim and this
 * statement (the older transaction ends in between), and the rows it held back would then look neither claimed
 * nor held, and wait for the next poll. A claim takes every settled row up to its budget, in (xid, id) order, so
 * when it took fewer than its budget, any row it left is newer than all it took.
 */
export async function hasUnclaimedRows(tx: SqlExecutor, lanes: readonly number[], claimed: readonly OutboxRow[]): Promise<boolean> {
  // The newest row is found in one backward step of the (xid, id) index per lane.
  const { rows } = await tx.query<{ id: string }>(
    `SELECT id FROM ${KafkaTables.outboxBatches} WHERE lane = ANY($1::smallint[]) ORDER BY xid DESC, id DESC LIMIT 1`,
    [lanes],
  );
  if (rows.length === 0) return false;
  return !claimed.some((row) => row.table === KafkaTables.outboxBatches && row.id === rows[0].id);
}

/** Deletes published rows from the tables they came from. */
export async function deleteOutboxRows(tx: SqlExecutor, rows: readonly OutboxRow[]): Promise<void> {
  for (const table of [KafkaTables.outbox, KafkaTables.outboxBatches]) {
    const ids = rows.filter((row) => row.table === table).map((row) => row.id);
    if (ids.length > 0) await tx.query(`DELETE FROM ${table} WHERE id = ANY($1::bigint[])`, [ids]);
  }
}

/**
 * Every committed message still waiting in the outbox, settled or not, in publishing order and as written (no
 * sequence header): for inspection and tests.
 */
export async function readOutboxMessages(db: SqlExecutor): Promise<PackedMessage[]> {
  const { rows: plain } = await db.query<PlainRow>(`SELECT topic, key, value, headers FROM ${KafkaTables.outbox} ORDER BY id`);
  const { rows: packed } = await db.query<{ packed: Buffer }>(`SELECT packed FROM ${KafkaTables.outboxBatches} ORDER BY xid, id`);
  return [...plain.map(({ topic, key, value, headers }) => ({ topic, key, value, headers })), ...packed.flatMap((row) => decodeOutboxBatch(row.packed))];
}
