import { Inject, Injectable } from '@nestjs/common';
import { inTransaction, type SqlExecutor } from '@tessera/kafka';
import type { DeliveryItem } from '@tessera/destinations';
import { PREFER_INDEX_PLANS } from '@tessera/persistence';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { ClaimedDelivery } from './outcome-plan';

/** A batch claimed for one send: its rows are leased to `leaseToken` until the lease runs out. */
export interface ClaimedBatch {
  batchId: string;
  destinationId: string;
  leaseToken: string;
  items: DeliveryItem[];
  rows: ClaimedDelivery[];
  /**
   * Whether more may be due now: false for a new batch that took every due head whole, so the lane need not claim
   * again until something wakes it (rows committed, a send finishing) or the poll finds due work.
   */
  more: boolean;
}

interface ClaimedRow {
  delivery_id: string;
  payload: DeliveryItem;
  attempts: number;
  attempts_at_replay: number;
  age_start_ms: string;
  seq: string;
}

/** How many unbatched rows per batch slot the bounded head search looks at before the full pass. */
const HEAD_WINDOW = 4;

/** The advisory lock key of a destination's claimer (the destination id as $1), per schema. */
export const CLAIM_LOCK_KEY = "hashtext('tessera_delivery_claim:' || current_schema()), hashtext($1)";

export const ABANDONED = 'the worker that held the lease stopped before recording an outcome (crash or lost connection)';

/**
 * Claims due deliveries of one destination in batches, in a short transaction that commits before the send:
 * - a batch formed earlier (a retry, or a claim whose worker died) is claimed whole, with its batch_id, so every
 *   attempt carries the same idempotency key and the same records; a batch only ever shrinks (rows that finish);
 * - otherwise a new batch takes the head (lowest seq) pending row of as many profiles as fit (`heads`): a profile's
 *   later deliveries wait until its earlier one has finished, while other profiles go ahead;
 * - the claim sets a lease (lease_until, lease_token), counts the attempt and writes an `in_flight` attempt row:
 *   kill -9 at any instant leaves either no claim, or a lease that runs out and a batch that is sent again whole.
 * One claimer per destination at a time (a transaction advisory lock), so two replicas never split a batch nor claim
 * the same rows.
 */
@Injectable()
export class DeliveryClaimRepository {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  claim(destinationId: string, maxItems: number, nowMs: number, leaseMs: number): Promise<ClaimedBatch | null> {
    return inTransaction(this.pool, async (tx) => {
      const now = nowMs / 1000;
      // the lock, index plans for the rest of the claim (PREFER_INDEX_PLANS) and the oldest due batch formed earlier
      // in one round trip (the lookup is read-only, so taking it
      // without the lock is harmless). OFFSET 0 plans the lookup on its own, on the batch index (formed pending rows
      // only: the in-flight and retried ones): under ORDER BY ... LIMIT the planner walked the due index instead,
      // through every pending row of the destination, to find none.
      const head = await tx.query<{ locked: boolean; batch_id: string | null }>(
        `SELECT pg_try_advisory_xact_lock(${CLAIM_LOCK_KEY}) AS locked,
                ${PREFER_INDEX_PLANS},
                (SELECT f.batch_id FROM (
                   SELECT batch_id, next_attempt_at FROM deliveries
                    WHERE destination_id = $1 AND status = 'pending' AND batch_id IS NOT NULL
                      AND next_attempt_at <= to_timestamp($2) AND (lease_until IS NULL OR lease_until <= to_timestamp($2))
                    OFFSET 0) f
                  ORDER BY f.next_attempt_at LIMIT 1) AS batch_id`,
        [destinationId, now],
      );
      const { locked, batch_id: formed } = head.rows[0];
      if (!locked) return null;
      if (formed !== null) return this.lease(tx, destinationId, formed, { batch: formed }, nowMs, leaseMs, true);
      const ids = await this.heads(tx, destinationId, now, maxItems);
      if (ids.length === 0) return null;
      return this.lease(tx, destinationId, randomUUID(), { ids }, nowMs, leaseMs, ids.length >= maxItems);
    });
  }

  /**
   * Up to `maxItems` due, unbatched rows that are their profile's head (lowest seq pending row), oldest first. The
   * oldest few times maxItems unbatched rows are looked at first, each checked against its profile's head through
   * the pending-order index: bounded work however long the backlog. When they hold too few heads (a profile with a
   * long tail at the front) one DISTINCT ON pass over all pending rows finds the rest, so that profile holds back
   * only itself. (A NOT EXISTS anti-join was planned as a nested loop on a freshly filled table: seconds per claim.)
   */
  private async heads(tx: SqlExecutor, destinationId: string, now: number, maxItems: number): Promise<string[]> {
    const window = maxItems * HEAD_WINDOW;
    const { rows } = await tx.query<{ delivery_id: string; head: boolean }>(
      `SELECT c.delivery_id,
              c.seq = (SELECT e.seq FROM deliveries e
                        WHERE e.destination_id = $1 AND e.profile_id = c.profile_id AND e.status = 'pending'
                        ORDER BY e.seq LIMIT 1) AS head
         FROM (SELECT delivery_id, profile_id, seq FROM deliveries
                WHERE destination_id = $1 AND status = 'pending' AND batch_id IS NULL AND next_attempt_at <= to_timestamp($2)
                ORDER BY seq LIMIT $3) c
        ORDER BY c.seq`,
      [destinationId, now, window],
    );
    const heads = rows.filter((r) => r.head).map((r) => r.delivery_id);
    if (heads.length >= maxItems || rows.length < window) return heads.slice(0, maxItems);
    const all = await tx.query<{ delivery_id: string }>(
      `SELECT h.delivery_id FROM (
         SELECT DISTINCT ON (profile_id) delivery_id, seq, batch_id, next_attempt_at FROM deliveries
          WHERE destination_id = $1 AND status = 'pending'
          ORDER BY profile_id, seq) h
        WHERE h.batch_id IS NULL AND h.next_attempt_at <= to_timestamp($2)
        ORDER BY h.seq LIMIT $3`,
      [destinationId, now, maxItems],
    );
    return all.rows.map((r) => r.delivery_id);
  }

  /** Gives a claimed batch back unsent (its breaker refused it): the attempt is not counted, the batch stays formed. */
  async release(batch: ClaimedBatch): Promise<void> {
    await inTransaction(this.pool, async (tx) => {
      const ids = batch.rows.map((r) => r.deliveryId);
      await tx.query(
        `UPDATE deliveries SET attempts = attempts - 1, lease_until = NULL, lease_token = NULL, updated_at = now()
          WHERE delivery_id = ANY($1::text[]) AND lease_token = $2 AND status = 'pending'`,
        [ids, batch.leaseToken],
      );
      await tx.query(
        `DELETE FROM delivery_attempts a USING unnest($1::text[], $2::int[]) AS u(id, attempt)
          WHERE a.delivery_id = u.id AND a.attempt = u.attempt AND a.outcome = 'in_flight'`,
        [ids, batch.rows.map((r) => r.attempt)],
      );
    });
  }

  /**
   * Leases the given rows (a new batch) or a formed batch's pending rows, in one statement: counts the attempt and
   * sets the lease, or, for a row withdrawn while a worker that has since died was sending it, makes it
   * `suppressed` instead of sending it again (withdrawn_reason, activation-schema.migration.ts). The same statement
   * closes what a dead worker left `in_flight` as abandoned and writes this attempt's `in_flight` row for each
   * leased row: one round trip fewer per claim, and a lane's claims are what its batches queue behind
   * (docs/benchmarks.md).
   */
  private async lease(
    tx: SqlExecutor,
    destinationId: string,
    batchId: string,
    rows: { ids: string[] } | { batch: string },
    nowMs: number,
    leaseMs: number,
    more: boolean,
  ): Promise<ClaimedBatch | null> {
    const leaseToken = randomUUID();
    const withdrawn = 'd.withdrawn_reason IS NOT NULL';
    const leased = await tx.query<ClaimedRow & { status: string }>(
      `WITH leased AS (
         UPDATE deliveries d
            SET status = CASE WHEN ${withdrawn} THEN 'suppressed' ELSE d.status END,
                reason = CASE WHEN ${withdrawn} THEN d.withdrawn_reason ELSE d.reason END,
                finished_at = CASE WHEN ${withdrawn} THEN now() ELSE d.finished_at END,
                batch_id = CASE WHEN ${withdrawn} THEN d.batch_id ELSE $2 END,
                attempts = CASE WHEN ${withdrawn} THEN d.attempts ELSE d.attempts + 1 END,
                lease_until = CASE WHEN ${withdrawn} THEN NULL ELSE to_timestamp($3) END,
                lease_token = CASE WHEN ${withdrawn} THEN NULL ELSE $4 END,
                updated_at = now()
          WHERE ${'ids' in rows ? 'd.delivery_id = ANY($1::text[])' : 'd.destination_id = $1 AND d.batch_id = $2'} AND d.status = 'pending'
            -- the advisory lock already keeps claimers apart; this keeps a row from ever being leased twice regardless
            AND (${withdrawn} OR d.batch_id IS NULL OR d.batch_id = $2) AND (d.lease_until IS NULL OR d.lease_until <= to_timestamp($5))
          RETURNING d.delivery_id, d.status, d.payload, d.attempts, d.attempts_at_replay, d.seq,
                    (extract(epoch FROM coalesce(d.replayed_at, d.created_at)) * 1000)::bigint AS age_start_ms),
       abandoned AS (
         UPDATE delivery_attempts a SET outcome = 'abandoned', error = $6, finished_at = greatest(a.started_at, now())
           FROM leased l
          WHERE a.delivery_id = l.delivery_id AND a.outcome = 'in_flight' AND (a.attempt < l.attempts OR l.status <> 'pending')),
       started AS (
         INSERT INTO delivery_attempts (delivery_id, attempt, batch_id, started_at, finished_at, outcome)
         SELECT l.delivery_id, l.attempts, $2, to_timestamp($5), to_timestamp($5), 'in_flight' FROM leased l WHERE l.status = 'pending')
       SELECT * FROM leased`,
      ['ids' in rows ? rows.ids : destinationId, batchId, (nowMs + leaseMs) / 1000, leaseToken, nowMs / 1000, ABANDONED],
    );
    const claimed = leased.rows.filter((r) => r.status === 'pending').sort((a, b) => Number(a.seq) - Number(b.seq));
    if (claimed.length === 0) return null;
    return {
      batchId,
      destinationId,
      leaseToken,
      items: claimed.map((r) => ({ ...r.payload, deliveryId: r.delivery_id })),
      rows: claimed.map((r) => ({
        deliveryId: r.delivery_id,
        attempt: r.attempts,
        budgetAttempts: r.attempts - r.attempts_at_replay,
        ageStartMs: Number(r.age_start_ms),
      })),
      // a suppressed head (withdrawn) lets its profile's next row become a head at once
      more: more || claimed.length < leased.rows.length,
    };
  }
}
