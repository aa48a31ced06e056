import type { Pool } from 'pg';
import { RUN_COLUMNS, toRun, type Run, type RunRowOf } from '../runs/run-repository';

/**
 * Claims up to `limit` runs for `owner`: queued ones, and running ones whose lease ran out (their process died:
 * they resume from their last checkpoint). SKIP LOCKED lets several replicas claim at once without waiting on, or
 * taking, each other's rows. `executing` are the runs the caller is still executing: a late heartbeat lets their
 * lease run out too, and claiming one would start a second execution under the same owner, which the checkpoints'
 * fence (the lease owner) would let commit the same records twice.
 */
export async function claimRuns(pool: Pool, owner: string, leaseMs: number, limit: number, executing: readonly string[]): Promise<Run[]> {
  const { rows } = await pool.query<RunRowOf>(
    `UPDATE runs r SET state = 'running', lease_owner = $1, lease_until = now() + $2 * interval '1 millisecond',
            started_at = coalesce(r.started_at, now()), attempts = r.attempts + 1
      WHERE r.run_id IN (SELECT run_id FROM runs
                          WHERE (state = 'queued' OR (state = 'running' AND (lease_until IS NULL OR lease_until < now())))
                            AND run_id <> ALL ($4::text[])
                          ORDER BY queued_at LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING ${RUN_COLUMNS.split(',')
        .map((c) => `r.${c.trim()}`)
        .join(', ')}`,
    [owner, leaseMs, limit, executing],
  );
  return rows.map(toRun);
}

/** Renews a lease; false when the run is no longer this owner's to run (cancelled, or taken over). */
export async function renewLease(pool: Pool, runId: string, owner: string, leaseMs: number): Promise<boolean> {
  const { rows } = await pool.query(
    `UPDATE runs SET lease_until = now() + $3 * interval '1 millisecond' WHERE run_id = $1 AND lease_owner = $2 AND state = 'running' RETURNING run_id`,
    [runId, owner, leaseMs],
  );
  return rows.length > 0;
}

/** Gives a lease back at a graceful stop, so another process resumes the run at once rather than after the lease. */
export async function releaseLeases(pool: Pool, owner: string): Promise<void> {
  await pool.query(`UPDATE runs SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1 AND state = 'running'`, [owner]);
}
