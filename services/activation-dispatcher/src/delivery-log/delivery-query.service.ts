import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { DeliveryItem } from '@tessera/destinations';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import { toAttemptView, type AttemptRow, type AttemptView } from './attempt-view';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'suppressed', 'dead'] as const;

export interface DeliveryFilter {
  destinationId?: string;
  syncId?: string;
  profileId?: string;
  status?: string;
}

export interface DeliveryView {
  deliveryId: string;
  seq: number;
  destination: { id: string; name: string | null; kind: string | null };
  syncId: string;
  segmentId: string | null;
  profileId: string;
  action: string;
  status: string;
  reason: string | null;
  attemptCount: number;
  attempts: AttemptView[];
  /** The item as the destination gets it (identifiers raw: adapters hash what their platform wants hashed). */
  item: DeliveryItem;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

type DeliveryRow = {
  delivery_id: string;
  seq: string;
  destination_id: string;
  name: string | null;
  kind: string | null;
  sync_id: string;
  segment_id: string | null;
  profile_id: string;
  action: string;
  status: string;
  reason: string | null;
  attempts: number;
  payload: DeliveryItem;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  attempt_log: AttemptRow[];
};

/**
 * The read side of the delivery log: deliveries newest first, filtered by destination, sync, profile and status,
 * each with its attempts. Paged by `seq` (the answer's `next` is the `before` of the next page).
 */
@Injectable()
export class DeliveryQueryService {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  async list(filter: DeliveryFilter, limit: number, before: number | null): Promise<{ deliveries: DeliveryView[]; next: number | null }> {
    if (filter.status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(filter.status)) {
      throw new BadRequestException(`status must be one of ${DELIVERY_STATUSES.join(', ')}`);
    }
    const { rows } = await this.pool.query<DeliveryRow>(
      `SELECT d.delivery_id, d.seq, d.destination_id, x.name, x.kind, d.sync_id, d.segment_id, d.profile_id, d.action, d.status, d.reason, d.attempts, d.payload,
              d.created_at, d.updated_at, d.finished_at,
              COALESCE((SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'batch_id', a.batch_id, 'started_at', a.started_at, 'finished_at', a.finished_at,
                                                            'outcome', a.outcome, 'http_status', a.http_status, 'error', a.error) ORDER BY a.attempt)
                          FROM delivery_attempts a WHERE a.delivery_id = d.delivery_id), '[]'::jsonb) AS attempt_log
         FROM deliveries d LEFT JOIN destinations x ON x.destination_id = d.destination_id
        WHERE ($1::text IS NULL OR d.destination_id = $1) AND ($2::text IS NULL OR d.sync_id = $2) AND ($3::text IS NULL OR d.profile_id = $3)
          AND ($4::text IS NULL OR d.status = $4) AND ($5::bigint IS NULL OR d.seq < $5)
        ORDER BY d.seq DESC LIMIT $6`,
      [filter.destinationId ?? null, filter.syncId ?? null, filter.profileId ?? null, filter.status ?? null, before, limit + 1],
    );
    const page = rows.slice(0, limit).map(toView);
    return { deliveries: page, next: rows.length > limit ? page[page.length - 1].seq : null };
  }
}

function toView(r: DeliveryRow): DeliveryView {
  return {
    deliveryId: r.delivery_id,
    seq: Number(r.seq),
    destination: { id: r.destination_id, name: r.name, kind: r.kind },
    syncId: r.sync_id,
    segmentId: r.segment_id,
    profileId: r.profile_id,
    action: r.action,
    status: r.status,
    reason: r.reason,
    attemptCount: r.attempts,
    attempts: r.attempt_log.map(toAttemptView),
    item: r.payload,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
  };
}
