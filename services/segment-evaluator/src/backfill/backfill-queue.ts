import type { SqlExecutor } from '@tessera/kafka';

/**
 * What a backfill computes over every existing profile: a segment's membership, or one computed trait's value.
 * Both live in segment_backfills, told apart by the id: a computed trait's job is `$computed:<key>` (no segment id
 * can start with `$`, as in due_timers), so one worker, one cursor scheme and one progress view serve both.
 */
export type BackfillTarget = { kind: 'segment'; segmentId: string } | { kind: 'computed-trait'; key: string };

const COMPUTED_PREFIX = '$computed:';

export function backfillJobId(target: BackfillTarget): string {
  return target.kind === 'segment' ? target.segmentId : `${COMPUTED_PREFIX}${target.key}`;
}

export function backfillTargetOf(jobId: string): BackfillTarget {
  return jobId.startsWith(COMPUTED_PREFIX)
    ? { kind: 'computed-trait', key: jobId.slice(COMPUTED_PREFIX.length) }
    : { kind: 'segment', segmentId: jobId };
}

/**
 * Queues the backfill of `version` over the active profiles that exist now, in the caller's transaction (the one
 * that saves the definition). An older backfill still running is superseded: the new version's pass decides every
 * profile again.
 */
export async function queueBackfill(tx: SqlExecutor, target: BackfillTarget, version: number): Promise<void> {
  const jobId = backfillJobId(target);
  await tx.query(
    "UPDATE segment_backfills SET state = 'superseded', finished_at = now() WHERE segment_id = $1 AND state IN ('pending', 'running')",
    [jobId],
  );
  await tx.query(
    "INSERT INTO segment_backfills (segment_id, version, total) SELECT $1, $2, count(*)::int FROM profiles WHERE status = 'active'",
    [jobId, version],
  );
}

/** A delete stops its backfill (state cancelled). */
export async function cancelBackfill(tx: SqlExecutor, target: BackfillTarget): Promise<void> {
  await tx.query(
    "UPDATE segment_backfills SET state = 'cancelled', finished_at = now() WHERE segment_id = $1 AND state IN ('pending', 'running')",
    [backfillJobId(target)],
  );
}

export interface BackfillView {
  version: number;
  state: string;
  done: number;
  total: number;
  startedAt: string;
  finishedAt: string | null;
}

/** The latest backfill of a definition, as a LATERAL subquery over the alias `b` (id expression: `idSql`). */
export function latestBackfillSql(idSql: string): string {
  return `LEFT JOIN LATERAL (SELECT * FROM segment_backfills b WHERE b.segment_id = ${idSql} ORDER BY b.version DESC LIMIT 1) b ON true`;
}

/** The `b_*` columns a view selects from latestBackfillSql. */
export const BACKFILL_COLUMNS_SQL =
  'b.version AS b_version, b.state AS b_state, b.done AS b_done, b.total AS b_total, b.started_at AS b_started_at, b.finished_at AS b_finished_at';

export function backfillView(r: Record<string, unknown>): BackfillView | null {
  if (r.b_version === null || r.b_version === undefined) return null;
  return {
    version: r.b_version as number,
    state: r.b_state as string,
    done: r.b_done as number,
    total: r.b_total as number,
    startedAt: (r.b_started_at as Date).toISOString(),
    finishedAt: r.b_finished_at ? (r.b_finished_at as Date).toISOString() : null,
  };
}
