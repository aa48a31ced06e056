import type { Cursor } from '@tessera/connector-sdk';
import { lockWriterLane, writePackedOutbox, type OutboxLane, type SqlExecutor } from '@tessera/kafka';
import type { CheckpointRecords } from './checkpoint-batch';
import { appendRowKeys } from './row-key-log';
import { RunLostError } from './run-lost.error';

/** Who holds a run: the lease owner of this process. A checkpoint of a run someone else holds commits nothing. */
export interface RunLease {
  runId: string;
  connectionId: string;
  owner: string;
  leaseMs: number;
}

/** The run's counters as of this checkpoint (they include the records it commits). */
export interface RunProgress {
  read: number;
  emitted: number;
  rejected: number;
  estimatedTotal: number | null;
}

export interface Checkpoint {
  stream: string;
  cursor: Cursor;
  records: CheckpointRecords;
  progress: RunProgress;
  /** The stream's read has ended: a resumed run skips it. */
  streamDone: boolean;
}

/**
 * Locks the run row if this process still holds it (and it is running), renewing the lease; throws RunLostError
 * otherwise. The first statement of every run transaction: the row lock serializes it with a cancel or a takeover.
 */
export async function fenceRun(tx: SqlExecutor, lease: RunLease): Promise<void> {
  const { rows } = await tx.query(
    `UPDATE runs SET lease_until = now() + $3 * interval '1 millisecond' WHERE run_id = $1 AND lease_owner = $2 AND state = 'running' RETURNING run_id`,
    [lease.runId, lease.owner, lease.leaseMs],
  );
  if (rows.length === 0) throw new RunLostError(lease.runId);
}

/**
 * One checkpoint, in the caller's transaction: the run's progress and cursor (fenced by its lease), the stream's
 * saved cursor, the row keys seen (one row of arrays, row-key-log.ts) and the records, into the outbox. Either all of it
 * commits or none: a crash before COMMIT re-reads these records from the previous cursor, with the same message ids.
 */
export async function writeCheckpoint(tx: SqlExecutor, lease: RunLease, checkpoint: Checkpoint): Promise<void> {
  const { stream, cursor, records, progress, streamDone } = checkpoint;
  const updated = await tx.query(
    `UPDATE runs SET records_read = $3, records_emitted = $4, records_rejected = $5, estimated_total = $6, checkpoints = checkpoints + 1,
            cursor_after = jsonb_set(cursor_after, ARRAY[$7::text], $8::jsonb),
            streams_done = CASE WHEN $9 THEN array_append(streams_done, $7::text) ELSE streams_done END,
            lease_until = now() + $10 * interval '1 millisecond'
      WHERE run_id = $1 AND lease_owner = $2 AND state = 'running' RETURNING run_id`,
    [
      lease.runId,
      lease.owner,
      progress.read,
      progress.emitted,
      progress.rejected,
      progress.estimatedTotal,
      stream,
      JSON.stringify(cursor),
      streamDone,
      lease.leaseMs,
    ],
  );
  if (updated.rows.length === 0) throw new RunLostError(lease.runId);
  await tx.query(
    `INSERT INTO stream_cursors (connection_id, stream, cursor) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (connection_id, stream) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
    [lease.connectionId, stream, JSON.stringify(cursor)],
  );
  if (records.count === 0) return;
  await appendRowKeys(tx, lease.connectionId, stream, lease.runId, records.keys);
  await writePackedOutbox(tx, await connectionLane(tx, lease.connectionId), records.packed);
}

/**
 * A connection's runs write one outbox lane. Taken after the run's row lock (fenceRun, or the checkpoint's UPDATE of
 * runs), as every writer of the lane does, so a checkpoint and the run's end never wait on each other crosswise.
 */
export function connectionLane(tx: SqlExecutor, connectionId: string): Promise<OutboxLane> {
  return lockWriterLane(tx, `connection:${connectionId}`);
}
