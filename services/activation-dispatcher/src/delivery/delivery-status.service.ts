import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { OffsetClock, SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import { DeliveryWorker } from './delivery.worker';
import type { BreakerStateName } from './destination-lane';

export interface DestinationDeliveryStatus {
  destinationId: string;
  /** Pending deliveries: due now, waiting for a retry, and leased (being sent by some replica). */
  queue: { depth: number; due: number; waitingForRetry: number; inFlight: number };
  counts: Record<'pending' | 'delivered' | 'failed' | 'suppressed' | 'dead', number>;
  /** This replica's view: its lane's breaker and batches in flight (another replica keeps its own). */
  worker: { running: boolean; breaker: BreakerStateName | null; batchesInFlight: number; error: string | null };
  lastError: { kind: string; message: string; httpStatus: number | null; at: string } | null;
  lastSuccessAt: string | null;
  /** The last thing the destination said was an authentication failure, and nothing has been delivered since. */
  authFailing: boolean;
}

/** What GET /v1/destinations/:id/status answers: queue, counts and last error from the database, breaker from this replica. */
@Injectable()
export class DeliveryStatusService {
  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    private readonly worker: DeliveryWorker,
    private readonly clock: OffsetClock,
  ) {}

  async status(destinationId: string): Promise<DestinationDeliveryStatus> {
    const exists = await this.pool.query('SELECT 1 FROM destinations WHERE destination_id = $1 AND deleted_at IS NULL', [destinationId]);
    if (exists.rowCount === 0) throw new NotFoundException(`no destination ${destinationId}`);
    const now = this.clock.now() / 1000;
    const [counts, queue, state] = await Promise.all([
      this.pool.query<{ status: string; n: number }>(
        'SELECT status, count(*)::int AS n FROM deliveries WHERE destination_id = $1 GROUP BY status',
        [destinationId],
      ),
      this.pool.query<{ due: number; waiting: number; leased: number }>(
        `SELECT count(*) FILTER (WHERE next_attempt_at <= to_timestamp($2) AND (lease_until IS NULL OR lease_until <= to_timestamp($2)))::int AS due,
                count(*) FILTER (WHERE next_attempt_at > to_timestamp($2) AND (lease_until IS NULL OR lease_until <= to_timestamp($2)))::int AS waiting,
                count(*) FILTER (WHERE lease_until > to_timestamp($2))::int AS leased
           FROM deliveries WHERE destination_id = $1 AND status = 'pending'`,
        [destinationId, now],
      ),
      this.pool.query<{
        last_error: string | null;
        last_error_kind: string | null;
        last_error_status: number | null;
        last_error_at: Date | null;
        last_success_at: Date | null;
      }>(
        'SELECT last_error, last_error_kind, last_error_status, last_error_at, last_success_at FROM destination_delivery_state WHERE destination_id = $1',
        [destinationId],
      ),
    ]);
    const byStatus = { pending: 0, delivered: 0, failed: 0, suppressed: 0, dead: 0 };
    for (const r of counts.rows) if (r.status in byStatus) byStatus[r.status as keyof typeof byStatus] = r.n;
    const s = state.rows[0];
    const lastError =
      s?.last_error && s.last_error_at
        ? {
            kind: s.last_error_kind ?? 'unknown',
            message: s.last_error,
            httpStatus: s.last_error_status,
            at: s.last_error_at.toISOString(),
          }
        : null;
    const lane = this.worker.lane(destinationId);
    const q = queue.rows[0];
    return {
      destinationId,
      queue: { depth: byStatus.pending, due: q.due, waitingForRetry: q.waiting, inFlight: q.leased },
      counts: byStatus,
      worker: {
        running: lane !== undefined,
        breaker: lane?.breakerState ?? null,
        batchesInFlight: lane?.inFlight ?? 0,
        error: this.worker.laneError(destinationId) ?? null,
      },
      lastError,
      lastSuccessAt: s?.last_success_at?.toISOString() ?? null,
      authFailing: lastError?.kind === 'auth_failed' && (!s?.last_success_at || s.last_success_at < (s.last_error_at as Date)),
    };
  }
}
