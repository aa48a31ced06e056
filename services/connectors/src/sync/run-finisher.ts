import { writePackedOutbox, type SqlExecutor } from '@tessera/kafka';
import type { StreamPlan } from '../connections/stream-plan';
import { CheckpointBatch } from './checkpoint-batch';
import { connectionLane, fenceRun, type RunLease } from './checkpoint-writer';
import { encodeUnset, type RunOrigin } from './record-encoder';
import { takeDisappeared } from './row-key-log';

/**
 * The end of a full refresh, in the caller's transaction: every row key of the run's streams that this run did not
 * see is gone from the source. It is listed on the run (run_disappeared), forgotten (so the next full refresh does
 * not report it again) and, when the connection asks, unset: one record per row with the identifier and every
 * other mapped field as null. Returns how many disappeared. The caller holds the run (fenceRun) already.
 */
export async function settleDisappeared(
  tx: SqlExecutor,
  origin: RunOrigin,
  plans: readonly StreamPlan[],
  unset: boolean,
  receivedAt: number,
): Promise<number> {
  const rows = await takeDisappeared(
    tx,
    origin.connectionId,
    plans.map((p) => p.settings.name),
    origin.runId,
  );
  if (rows.length === 0) return 0;
  await tx.query(
    'INSERT INTO run_disappeared (run_id, stream, row_key) SELECT $1, s, k FROM unnest($2::text[], $3::text[]) AS t(s, k) ON CONFLICT DO NOTHING',
    [origin.runId, rows.map((r) => r.stream), rows.map((r) => r.row_key)],
  );
  if (unset) {
    const planOf = new Map(plans.map((p) => [p.settings.name, p]));
    const records = new CheckpointBatch();
    for (const r of rows)
      records.add(
        encodeUnset(
          planOf.get(r.stream)!,
          origin,
          { stream: r.stream, rowKey: r.row_key, identifier: r.identifier, brand: r.brand },
          receivedAt,
        ),
      );
    await writePackedOutbox(tx, await connectionLane(tx, origin.connectionId), records.take().packed);
  }
  return rows.length;
}

/** Marks a run this process holds as succeeded (with its disappeared count, for a full refresh). */
export async function markSucceeded(tx: SqlExecutor, lease: RunLease, disappeared: number | null): Promise<void> {
  await fenceRun(tx, lease);
  await tx.query(
    `UPDATE runs SET state = 'succeeded', finished_at = now(), disappeared = $2, lease_owner = NULL, lease_until = NULL WHERE run_id = $1`,
    [lease.runId, disappeared],
  );
}

/** Marks a run this process holds as failed; a run it lost (cancelled, taken over) is left as it is. */
export async function markFailed(tx: SqlExecutor, lease: RunLease, error: string): Promise<boolean> {
  const { rows } = await tx.query(
    `UPDATE runs SET state = 'failed', finished_at = now(), error = $3, lease_owner = NULL, lease_until = NULL
      WHERE run_id = $1 AND lease_owner = $2 AND state = 'running' RETURNING run_id`,
    [lease.runId, lease.owner, error.slice(0, 4000)],
  );
  return rows.length > 0;
}
