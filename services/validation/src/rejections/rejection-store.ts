import { rejectedOrigin, type Rejection, type RejectedOrigin } from '@tessera/contracts';
import type { SqlExecutor } from '@tessera/kafka';
import { buildUnnestInsert } from '@tessera/persistence';
import type { ExpiringTable } from '../maintenance/expired-rows';

export interface RejectionFilter {
  sourceId?: string;
  /** The connectors-service connection (and sync run) whose record was rejected. */
  connectionId?: string;
  runId?: string;
  reason?: string;
  service?: string;
  /** Inclusive lower bound on rejectedAt (epoch ms). */
  from?: number;
  /** Exclusive upper bound on rejectedAt (epoch ms). */
  to?: number;
  rejectionIds?: string[];
  /** Only rejections never replayed yet. */
  notReplayed?: boolean;
}

/** Keyset cursor: the last row of the previous page. */
export interface RejectionCursor {
  rejectedAt: number;
  rejectionId: string;
}

export interface StoredRejection {
  rejectionId: string;
  reason: string;
  detail: string;
  path: string | null;
  service: string;
  itemKind: string;
  sourceId: string | null;
  messageId: string | null;
  /** Which connection, run and source row the rejected record came from; null unless a connector sent it. */
  origin: RejectedOrigin | null;
  original: { topic: string; partition: number; offset: string; timestamp: string; key: string | null; headers: Record<string, string> };
  /** The original value bytes, base64: what a replay re-sends. */
  originalValueBase64: string;
  rejectedAt: string;
  replayCount: number;
  lastReplayedAt: string | null;
}

export interface ReplayableRejection {
  rejectionId: string;
  topic: string;
  key: Buffer | null;
  value: Buffer;
  headers: Record<string, string>;
}

interface RejectionRow {
  rejection_id: string;
  reason: string;
  detail: string;
  path: string | null;
  service: string;
  item_kind: string;
  source_id: string | null;
  message_id: string | null;
  origin: RejectedOrigin | null;
  original_topic: string;
  original_partition: number;
  original_offset: string;
  original_key: Buffer | null;
  original_value: Buffer;
  original_timestamp: Date;
  original_headers: Record<string, string>;
  rejected_at: Date;
  replay_count: number;
  last_replayed_at: Date | null;
}

const NUL = /\u0000/g;

/** What RejectionsPrunerService deletes once older than the retention. */
export const REJECTIONS: ExpiringTable = { table: 'rejections', timeColumn: 'rejected_at', what: 'expired rejections' };

/** Rejections materialized from cdp.events.rejected, for browsing and replay. */
export class RejectionStore {
  /** Set-based insert of consumed DLQ records; a record seen twice (redelivery) is kept once by its id. */
  async insert(tx: SqlExecutor, rejections: readonly Rejection[]): Promise<number> {
    if (rejections.length === 0) return 0;
    const rows = rejections.map((r) => ({
      ...originColumns(rejectedOrigin(r)),
      rejection_id: r.rejectionId,
      reason: r.reason,
      detail: r.detail.replace(NUL, '\uFFFD'),
      path: r.path,
      service: r.service,
      item_kind: r.itemKind,
      source_id: r.sourceId,
      message_id: r.messageId,
      original_topic: r.original.topic,
      original_partition: r.original.partition,
      original_offset: r.original.offset,
      original_key: r.original.key,
      original_value: r.original.value,
      original_timestamp: new Date(r.original.timestamp),
      // jsonb holds text: Tessera headers are UTF-8 strings (jsonb refuses U+0000, so it is replaced).
      original_headers: Object.fromEntries(
        r.original.headers.map((h) => [h.key, h.value === null ? '' : h.value.toString('utf8').replace(NUL, '\uFFFD')]),
      ),
      rejected_at: new Date(r.rejectedAt),
    }));
    const query = buildUnnestInsert({
      table: 'rejections',
      columns: [
        { name: 'rejection_id', type: 'text' },
        { name: 'reason', type: 'text' },
        { name: 'detail', type: 'text' },
        { name: 'path', type: 'text' },
        { name: 'service', type: 'text' },
        { name: 'item_kind', type: 'text' },
        { name: 'source_id', type: 'text' },
        { name: 'message_id', type: 'text' },
        { name: 'original_topic', type: 'text' },
        { name: 'original_partition', type: 'integer' },
        { name: 'original_offset', type: 'bigint' },
        { name: 'original_key', type: 'bytea' },
        { name: 'original_value', type: 'bytea' },
        { name: 'original_timestamp', type: 'timestamptz' },
        { name: 'original_headers', type: 'jsonb' },
        { name: 'rejected_at', type: 'timestamptz' },
        { name: 'connection_id', type: 'text' },
        { name: 'run_id', type: 'text' },
        { name: 'origin', type: 'jsonb' },
      ],
      rows,
      onConflict: { target: ['rejection_id'], action: 'nothing' },
    });
    const { rowCount } = await tx.query(query.text, query.values);
    return rowCount ?? 0;
  }

  /** A page, newest first, by keyset (rejectedAt, rejectionId) so pages stay stable while rejections arrive. */
  async browse(db: SqlExecutor, filter: RejectionFilter, limit: number, after?: RejectionCursor): Promise<StoredRejection[]> {
    const { where, params } = whereClause(filter);
    if (after) {
      params.push(new Date(after.rejectedAt), after.rejectionId);
      where.push(`(rejected_at, rejection_id) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(limit);
    const { rows } = await db.query<RejectionRow>(
      `SELECT * FROM rejections ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY rejected_at DESC, rejection_id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toStored);
  }

  async get(db: SqlExecutor, rejectionId: string): Promise<StoredRejection | undefined> {
    const { rows } = await db.query<RejectionRow>('SELECT * FROM rejections WHERE rejection_id = $1', [rejectionId]);
    return rows[0] ? toStored(rows[0]) : undefined;
  }

  /** Locks and returns the selection for a replay (oldest first, so the original order is kept). */
  async lockForReplay(tx: SqlExecutor, filter: RejectionFilter, limit: number): Promise<ReplayableRejection[]> {
    const { where, params } = whereClause(filter);
    params.push(limit);
    const { rows } = await tx.query<
      Pick<RejectionRow, 'rejection_id' | 'original_topic' | 'original_key' | 'original_value' | 'original_headers'>
    >(
      `SELECT rejection_id, original_topic, original_key, original_value, original_headers FROM rejections
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY rejected_at, original_topic, original_partition, original_offset LIMIT $${params.length} FOR UPDATE`,
      params,
    );
    return rows.map((row) => ({
      rejectionId: row.rejection_id,
      topic: row.original_topic,
      key: row.original_key,
      value: row.original_value,
      headers: row.original_headers,
    }));
  }

  async markReplayed(tx: SqlExecutor, rejectionIds: readonly string[]): Promise<void> {
    await tx.query('UPDATE rejections SET replay_count = replay_count + 1, last_replayed_at = now() WHERE rejection_id = ANY($1::text[])', [
      rejectionIds,
    ]);
  }
}

/** The WHERE terms of a filter, with their parameters ($1..$n); more may be appended. */
export function whereClause(filter: RejectionFilter): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(sql(params.length));
  };
  if (filter.sourceId !== undefined) add((n) => `source_id = $${n}`, filter.sourceId);
  if (filter.connectionId !== undefined) add((n) => `connection_id = $${n}`, filter.connectionId);
  if (filter.runId !== undefined) add((n) => `run_id = $${n}`, filter.runId);
  if (filter.reason !== undefined) add((n) => `reason = $${n}`, filter.reason);
  if (filter.service !== undefined) add((n) => `service = $${n}`, filter.service);
  if (filter.from !== undefined) add((n) => `rejected_at >= $${n}`, new Date(filter.from));
  if (filter.to !== undefined) add((n) => `rejected_at < $${n}`, new Date(filter.to));
  if (filter.rejectionIds !== undefined) add((n) => `rejection_id = ANY($${n}::text[])`, filter.rejectionIds);
  if (filter.notReplayed) where.push('replay_count = 0');
  return { where, params };
}

function originColumns(found: RejectedOrigin | null): {
  connection_id: string | null;
  run_id: string | null;
  origin: RejectedOrigin | null;
} {
  // text and jsonb refuse U+0000 (the rejected bytes are as sent, before validation's repair).
  const origin = found && {
    connectionId: found.connectionId.replace(NUL, '\uFFFD'),
    runId: found.runId.replace(NUL, '\uFFFD'),
    stream: found.stream.replace(NUL, '\uFFFD'),
    rowKey: found.rowKey.replace(NUL, '\uFFFD'),
  };
  return { connection_id: origin?.connectionId ?? null, run_id: origin?.runId ?? null, origin };
}

function toStored(row: RejectionRow): StoredRejection {
  return {
    rejectionId: row.rejection_id,
    reason: row.reason,
    detail: row.detail,
    path: row.path,
    service: row.service,
    itemKind: row.item_kind,
    sourceId: row.source_id,
    messageId: row.message_id,
    origin: row.origin,
    original: {
      topic: row.original_topic,
      partition: row.original_partition,
      offset: String(row.original_offset),
      timestamp: row.original_timestamp.toISOString(),
      key: row.original_key === null ? null : row.original_key.toString('utf8'),
      headers: row.original_headers,
    },
    originalValueBase64: row.original_value.toString('base64'),
    rejectedAt: row.rejected_at.toISOString(),
    replayCount: row.replay_count,
    lastReplayedAt: row.last_replayed_at ? row.last_replayed_at.toISOString() : null,
  };
}
