import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import { toAttemptView, type AttemptRow, type AttemptView } from '../delivery-log/attempt-view';

export interface DeadDeliveryView {
  deliveryId: string;
  seq: string;
  syncId: string;
  profileId: string;
  segmentId: string | null;
  action: string;
  /** Why it went to the DLQ, with the last error the destination gave. */
  reason: string | null;
  attempts: number;
  createdAt: string;
  deadAt: string | null;
  payload: unknown;
  attemptHistory: AttemptView[];
}

interface DeadRow {
  delivery_id: string;
  seq: string;
  sync_id: string;
  profile_id: string;
  segment_id: string | null;
  action: string;
  reason: string | null;
  attempts: number;
  created_at: Date;
  finished_at: Date | null;
  payload: unknown;
}

/**
 * A destination's DLQ: its deliveries in status `dead`. Replay puts them back to `pending` as a new batch, with a fresh
 * attempt and age budget; their attempt history stays (attempt numbers keep counting up).
 */
@Injectable()
export class DeadDeliveryRepository {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  async page(destinationId: string, limit: number, afterSeq: string | null): Promise<{ items: DeadDeliveryView[]; next: string | null }> {
    await this.assertDestination(destinationId);
    // ORDER BY deliveries.seq, the bigint: a bare `seq` names the text output column, which sorts '10' before '9'
    const { rows } = await this.pool.query<DeadRow>(
      `SELECT delivery_id, seq::text, sync_id, profile_id, segment_id, action, reason, attempts, created_at, finished_at, payload
         FROM deliveries WHERE destination_id = $1 AND status = 'dead' AND seq > $2::bigint
        ORDER BY deliveries.seq LIMIT $3`,
      [destinationId, afterSeq ?? '0', limit + 1],
    );
    const page = rows.slice(0, limit);
    const attempts = await this.pool.query<AttemptRow & { delivery_id: string }>(
      'SELECT delivery_id, attempt, batch_id, started_at, finished_at, outcome, http_status, error FROM delivery_attempts WHERE delivery_id = ANY($1::text[]) ORDER BY delivery_id, attempt',
      [page.map((r) => r.delivery_id)],
    );
    const history = new Map<string, AttemptView[]>();
    for (const a of attempts.rows) {
      const list = history.get(a.delivery_id) ?? [];
      list.push(toAttemptView(a));
      history.set(a.delivery_id, list);
    }
    return {
      items: page.map((r) => ({
        deliveryId: r.delivery_id,
        seq: r.seq,
        syncId: r.sync_id,
        profileId: r.profile_id,
        segmentId: r.segment_id,
        action: r.action,
        reason: r.reason,
        attempts: r.attempts,
        createdAt: r.created_at.toISOString(),
        deadAt: r.finished_at?.toISOString() ?? null,
        payload: r.payload,
        attemptHistory: history.get(r.delivery_id) ?? [],
      })),
      next: rows.length > limit ? page[page.length - 1].seq : null,
    };
  }

  /**
   * Puts all, or the given, dead deliveries of the destination back to pending; answers the ids replayed, and those
   * of them that go out of order: their sync already delivered a later delivery about the same profile, which they
   * will follow (a replayed add after a delivered remove puts the person back).
   */
  async replay(
    destinationId: string,
    deliveryIds: readonly string[] | null,
    nowMs: number,
  ): Promise<{ replayed: string[]; outOfOrder: string[] }> {
    await this.assertDestination(destinationId);
    const { rows } = await this.pool.query<{ delivery_id: string }>(
      `UPDATE deliveries
          SET status = 'pending', reason = NULL, batch_id = NULL, lease_until = NULL, lease_token = NULL, finished_at = NULL,
              next_attempt_at = to_timestamp($3), replayed_at = to_timestamp($3), attempts_at_replay = attempts, updated_at = now()
        WHERE destination_id = $1 AND status = 'dead' AND ($2::text[] IS NULL OR delivery_id = ANY($2::text[]))
        RETURNING delivery_id`,
      [destinationId, deliveryIds, nowMs / 1000],
    );
    const replayed = rows.map((r) => r.delivery_id);
    const late = await this.pool.query<{ delivery_id: string }>(
      `SELECT r.delivery_id FROM deliveries r
        WHERE r.delivery_id = ANY($1::text[])
          AND EXISTS (SELECT 1 FROM deliveries l WHERE l.destination_id = r.destination_id AND l.profile_id = r.profile_id AND l.sync_id = r.sync_id
                       AND l.seq > r.seq AND l.status = 'delivered')
        ORDER BY r.seq`,
      [replayed],
    );
    return { replayed, outOfOrder: late.rows.map((r) => r.delivery_id) };
  }

  private async assertDestination(destinationId: string): Promise<void> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM destinations WHERE destination_id = $1', [destinationId]);
    if (rowCount === 0) throw new NotFoundException(`no destination ${destinationId}`);
  }
}
