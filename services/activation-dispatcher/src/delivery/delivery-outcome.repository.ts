import { Inject, Injectable } from '@nestjs/common';
import { inTransaction, lockWriterLane, writeOutbox } from '@tessera/kafka';
import { preferIndexPlans } from '@tessera/persistence';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import { ABANDONED, type ClaimedBatch } from './delivery-claim.repository';
import { deliveryEvents } from './delivery-events';
import type { DeliveryStatus, OutcomePlan } from './outcome-plan';

/** How many rows of the batch each status got: only rows still under this claim's lease count. */
export type AppliedCounts = Partial<Record<DeliveryStatus | 'suppressed', number>>;

/**
 * Writes what one attempt decided, in one transaction: each row's new status (only while the row is still leased
 * to this claim: a worker whose lease ran out and was claimed again by another has its late word dropped), its
 * attempt row, the destination's last error or success, and a cdp.activation.deliveries message per record (outbox).
 */
@Injectable()
export class DeliveryOutcomeRepository {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  record(batch: ClaimedBatch, plan: OutcomePlan, nowMs: number, durationMs: number): Promise<AppliedCounts> {
    return inTransaction(this.pool, async (tx) => {
      await preferIndexPlans(tx); // as in the claim: the batch's rows and attempt rows by key, not by scanning
      const u = plan.updates;
      const a = plan.attempts;
      const error = plan.destinationError;
      // One statement for the rows and their attempt rows (the rows' NOT EXISTS reads the attempts as they were
      // before it, as when they came second).
      const { rows } = await tx.query<{ delivery_id: string; status: DeliveryStatus | 'suppressed' }>(
        `WITH attempts AS (
           UPDATE delivery_attempts t SET outcome = x.outcome, http_status = x.http_status, error = x.error, finished_at = greatest(t.started_at, to_timestamp($6))
             FROM unnest($8::text[], $9::int[], $10::text[], $11::int[], $12::text[]) AS x(id, attempt, outcome, http_status, error)
            WHERE t.delivery_id = x.id AND t.attempt = x.attempt)
         -- withdrawn: the profile lost its permission during this send; what did not get through is suppressed, not
         -- retried nor dead-lettered (activation-schema.migration.ts, withdrawn_reason)
         UPDATE deliveries d
            SET status = CASE WHEN d.withdrawn_reason IS NOT NULL AND u.status IN ('pending', 'dead') THEN 'suppressed' ELSE u.status END,
                reason = CASE WHEN d.withdrawn_reason IS NOT NULL AND u.status IN ('pending', 'dead') THEN d.withdrawn_reason
                              -- a delivered row keeps the note it was planned with (removed: consent ... denied) unless a retry's error replaced it
                              WHEN u.status = 'delivered' AND NOT EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = d.delivery_id AND a.outcome IN ('retry', 'auth_failed')) THEN d.reason
                              ELSE u.reason END,
                next_attempt_at = coalesce(to_timestamp(u.next_ms / 1000.0), d.next_attempt_at),
                batch_id = CASE WHEN u.keep_batch THEN d.batch_id ELSE NULL END,
                lease_until = NULL, lease_token = NULL, updated_at = now(),
                finished_at = CASE WHEN u.status = 'pending' AND d.withdrawn_reason IS NULL THEN NULL ELSE to_timestamp($6) END
           FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::bool[]) AS u(id, status, reason, next_ms, keep_batch)
          WHERE d.delivery_id = u.id AND d.lease_token = $7 AND d.status = 'pending'
          RETURNING d.delivery_id, d.status`,
        [
          u.map((x) => x.deliveryId),
          u.map((x) => x.status),
          u.map((x) => x.reason),
          u.map((x) => x.nextAttemptAt),
          u.map((x) => x.keepBatch),
          nowMs / 1000,
          batch.leaseToken,
          a.map((x) => x.deliveryId),
          a.map((x) => x.attempt),
          a.map((x) => x.outcome),
          a.map((x) => x.httpStatus),
          a.map((x) => x.error),
        ],
      );
      // The destination's row and the outbox lane are where one destination's outcomes queue behind each other:
      // both come last, so each holds them only for the rest of its transaction.
      await tx.query(
        `INSERT INTO destination_delivery_state AS s (destination_id, last_error, last_error_kind, last_error_status, last_error_at, last_success_at)
         VALUES ($1, $2, $3, $4, CASE WHEN $2::text IS NULL THEN NULL ELSE to_timestamp($5) END, CASE WHEN $6 THEN to_timestamp($5) END)
         ON CONFLICT (destination_id) DO UPDATE SET
           last_error = coalesce(EXCLUDED.last_error, s.last_error),
           last_error_kind = coalesce(EXCLUDED.last_error_kind, s.last_error_kind),
           last_error_status = CASE WHEN EXCLUDED.last_error IS NULL THEN s.last_error_status ELSE EXCLUDED.last_error_status END,
           last_error_at = coalesce(EXCLUDED.last_error_at, s.last_error_at),
           last_success_at = coalesce(EXCLUDED.last_success_at, s.last_success_at)`,
        [batch.destinationId, error?.message ?? null, error?.kind ?? null, error?.httpStatus ?? null, nowMs / 1000, plan.anyDelivered],
      );
      // a lane per destination: outcomes of different destinations commit side by side
      await writeOutbox(
        tx,
        await lockWriterLane(tx, `outcomes:${batch.destinationId}`),
        deliveryEvents(
          batch.destinationId,
          batch.items,
          plan,
          new Set(rows.filter((r) => r.status !== 'suppressed').map((r) => r.delivery_id)),
          durationMs,
          nowMs,
        ),
      );
      const counts: AppliedCounts = {};
      for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
      return counts;
    });
  }

  /**
   * Sends pending deliveries older than their destination's max age (since queued or replayed) to the DLQ, attempted
   * or not: a destination that has been down, or without a working adapter, for longer than that does not get a
   * day-old backlog when it comes back. Answers how many per destination.
   */
  async expireOverAge(nowMs: number): Promise<Array<{ destinationId: string; expired: number }>> {
    const { rows } = await this.pool.query<{ destination_id: string; n: number }>(
      `WITH expired AS (
         UPDATE deliveries x
            SET status = 'dead', finished_at = to_timestamp($1), updated_at = now(),
                reason = 'gave up after ' || d.max_age_seconds || ' s (max age), ' || x.attempts || ' attempt(s)' || coalesce('; last error: ' || x.reason, '')
           FROM destinations d
          WHERE d.destination_id = x.destination_id AND x.status = 'pending'
            AND (x.lease_until IS NULL OR x.lease_until <= to_timestamp($1))
            AND coalesce(x.replayed_at, x.created_at) + make_interval(secs => d.max_age_seconds) <= to_timestamp($1)
          RETURNING x.destination_id, x.delivery_id),
       -- a worker that died holding the row left its attempt in flight (the lease ran out, or the row would not expire)
       closed AS (
         UPDATE delivery_attempts a SET outcome = 'abandoned', error = $2, finished_at = greatest(a.started_at, to_timestamp($1))
           FROM expired e
          WHERE a.delivery_id = e.delivery_id AND a.outcome = 'in_flight')
       SELECT destination_id, count(*)::int AS n FROM expired GROUP BY destination_id`,
      [nowMs / 1000, ABANDONED],
    );
    return rows.map((r) => ({ destinationId: r.destination_id, expired: r.n }));
  }
}
