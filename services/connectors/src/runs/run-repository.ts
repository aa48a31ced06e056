import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Cursor } from '@tessera/connector-sdk';
import { inTransaction, type SqlExecutor } from '@tessera/kafka';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';

export type RunState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A sync run as the API shows it; progress columns move at each checkpoint. */
export interface Run {
  id: string;
  connectionId: string;
  state: RunState;
  trigger: 'manual' | 'schedule';
  fullRefresh: boolean;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  recordsRead: number;
  recordsEmitted: number;
  /** Every rejected record of the run: recordsRefused plus recordsRejectedDownstream. */
  recordsRejected: number;
  /** Refused by this service: no row key, or a record of another stream than the one being read. */
  recordsRefused: number;
  /** Dead-lettered by a later service (validation, mostly); grows after the run ends as they catch up. */
  recordsRejectedDownstream: number;
  estimatedTotal: number | null;
  disappeared: number | null;
  checkpoints: number;
  /** Per stream: where the run started, and the last cursor it committed. */
  cursorBefore: Record<string, Cursor>;
  cursorAfter: Record<string, Cursor>;
  streamsDone: string[];
  error: string | null;
  attempts: number;
}

interface RunRow {
  run_id: string;
  connection_id: string;
  state: RunState;
  trigger: 'manual' | 'schedule';
  full_refresh: boolean;
  queued_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  records_read: string;
  records_emitted: string;
  records_rejected: string;
  records_rejected_downstream: string;
  estimated_total: string | null;
  disappeared: number | null;
  checkpoints: number;
  cursor_before: Record<string, Cursor>;
  cursor_after: Record<string, Cursor>;
  streams_done: string[];
  error: string | null;
  attempts: number;
}

export const RUN_COLUMNS = `run_id, connection_id, state, trigger, full_refresh, queued_at, started_at, finished_at, records_read, records_emitted,
  records_rejected, records_rejected_downstream, estimated_total, disappeared, checkpoints, cursor_before, cursor_after, streams_done, error, attempts`;

export function toRun(row: RunRow): Run {
  return {
    id: row.run_id,
    connectionId: row.connection_id,
    state: row.state,
    trigger: row.trigger,
    fullRefresh: row.full_refresh,
    queuedAt: row.queued_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    recordsRead: Number(row.records_read),
    recordsEmitted: Number(row.records_emitted),
    recordsRejected: Number(row.records_rejected) + Number(row.records_rejected_downstream),
    recordsRefused: Number(row.records_rejected),
    recordsRejectedDownstream: Number(row.records_rejected_downstream),
    estimatedTotal: row.estimated_total === null ? null : Number(row.estimated_total),
    disappeared: row.disappeared,
    checkpoints: row.checkpoints,
    cursorBefore: row.cursor_before,
    cursorAfter: row.cursor_after,
    streamsDone: row.streams_done,
    error: row.error,
    attempts: row.attempts,
  };
}

export type RunRowOf = RunRow;

/**
 * Queues a run of a connection in the caller's transaction, unless one is queued or running already (the partial
 * unique index runs_one_active_idx): then null. Streams with a saved cursor start from it, unless `fullRefresh`;
 * a run whose every stream starts from the beginning is a full refresh (it reports disappeared rows).
 */
export async function queueRun(
  tx: SqlExecutor,
  runId: string,
  connectionId: string,
  streams: string[],
  requestedFull: boolean,
  trigger: 'manual' | 'schedule',
): Promise<Run | null> {
  const saved = await tx.query<{ stream: string; cursor: Cursor }>('SELECT stream, cursor FROM stream_cursors WHERE connection_id = $1', [
    connectionId,
  ]);
  const known = new Map(saved.rows.map((r) => [r.stream, r.cursor]));
  const cursors = Object.fromEntries(streams.map((s) => [s, requestedFull ? null : (known.get(s) ?? null)]));
  const full = Object.values(cursors).every((c) => c === null);
  const { rows } = await tx.query<RunRow>(
    `INSERT INTO runs (run_id, connection_id, state, trigger, full_refresh, cursor_before, cursor_after)
     VALUES ($1, $2, 'queued', $3, $4, $5, $5)
     ON CONFLICT (connection_id) WHERE state IN ('queued', 'running') DO NOTHING RETURNING ${RUN_COLUMNS}`,
    [runId, connectionId, trigger, full, JSON.stringify(cursors)],
  );
  return rows.length === 0 ? null : toRun(rows[0]);
}

@Injectable()
export class RunRepository {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  /** Queues a manual run; 409 naming the active run when the connection has one. */
  async start(runId: string, connectionId: string, streams: string[], fullRefresh: boolean): Promise<Run> {
    return inTransaction(this.pool, async (tx) => {
      const run = await queueRun(tx, runId, connectionId, streams, fullRefresh, 'manual');
      if (run) return run;
      const active = await tx.query<{ run_id: string }>(
        `SELECT run_id FROM runs WHERE connection_id = $1 AND state IN ('queued', 'running')`,
        [connectionId],
      );
      throw new ConflictException({
        message: `connection ${connectionId} already has an active run ${active.rows[0]?.run_id}`,
        activeRunId: active.rows[0]?.run_id,
      });
    });
  }

  async getOrThrow(runId: string): Promise<Run> {
    const { rows } = await this.pool.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = $1`, [runId]);
    if (rows.length === 0) throw new NotFoundException(`no run ${runId}`);
    return toRun(rows[0]);
  }

  /** A connection's runs, newest first; `before` pages by queued time. */
  async listByConnection(connectionId: string, limit: number, before: string | null): Promise<Run[]> {
    const { rows } = await this.pool.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs WHERE connection_id = $1
          AND ($2::text IS NULL OR (queued_at, run_id) < (SELECT queued_at, run_id FROM runs WHERE run_id = $2))
        ORDER BY queued_at DESC, run_id DESC LIMIT $3`,
      [connectionId, before, limit],
    );
    return rows.map(toRun);
  }

  /** Cancels a queued or running run; its worker stops at the next heartbeat or checkpoint, committing nothing more. */
  async cancel(runId: string): Promise<Run> {
    const { rows } = await this.pool.query<RunRow>(
      `UPDATE runs SET state = 'cancelled', finished_at = now(), lease_owner = NULL, lease_until = NULL
        WHERE run_id = $1 AND state IN ('queued', 'running') RETURNING ${RUN_COLUMNS}`,
      [runId],
    );
    if (rows.length > 0) return toRun(rows[0]);
    const run = await this.getOrThrow(runId);
    throw new ConflictException(`run ${runId} has already ${run.state === 'cancelled' ? 'been cancelled' : run.state}`);
  }

  /** The rows a full refresh did not see, by stream and row key. */
  async disappeared(
    runId: string,
    limit: number,
    after: { stream: string; rowKey: string } | null,
  ): Promise<Array<{ stream: string; rowKey: string }>> {
    await this.getOrThrow(runId);
    const { rows } = await this.pool.query<{ stream: string; row_key: string }>(
      `SELECT stream, row_key FROM run_disappeared WHERE run_id = $1 AND ($2::text IS NULL OR (stream, row_key) > ($2, $3))
        ORDER BY stream, row_key LIMIT $4`,
      [runId, after?.stream ?? null, after?.rowKey ?? null, limit],
    );
    return rows.map((r) => ({ stream: r.stream, rowKey: r.row_key }));
  }
}
