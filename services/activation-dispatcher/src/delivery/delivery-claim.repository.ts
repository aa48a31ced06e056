import { Inject, Injectable } from '@nestjs/common';
import { inTransaction, type SqlExecutor } from '@tessera/kafka';
import type { DeliveryItem } from '@tessera/destinations';
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

const ABANDONED = 'the worker that held the lease stopped before recording an outcome (crash or lost connection)';

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
      const lock = await tx.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_xact_lock(hashtext('tessera_delivery_claim:' || current_schema()), hashtext($1)) AS locked`,
        [destinationId],
      );
      if (!lock.rows[0].locked) return null;
      const now = nowMs / 1000;
      const formed = await tx.query<{ batch_id: string }>(
        `SELECT batch_id FROM deliveries
          WHERE destination_id = $1 AND status = 'pending' AND batch_id IS NOT NULL
            AND next_attempt_at <= to_timestamp($2) AND (lease_until IS NULL OR lease_until <= to_timestamp($2))
          ORDER BY next_attempt_at LIMIT 1`,
        [destinationId, now],
      );
      let batchId: string;
      let ids: string[];
      if (formed.rows.length > 0) {
        batchId = formed.rows[0].batch_id;
        const rows = await tx.query<{ delivery_id: string }>(
          `SELECT delivery_id FROM deliveries WHERE destination_id = $1 AND batch_id = $2 AND status = 'pending' FOR UPDATE`,
          [destinationId, batchId],
        );
        ids = rows.rows.map((r) => r.delivery_id);
      } else {
        batchId = randomUUID();
        ids = await this.heads(tx, destinationId, now, maxItems);
      }
      if (ids.length === 0) return null;
      return this.lease(tx, destinationId, batchId, ids, nowMs, leaseMs);
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

  private async lease(
    tx: SqlExecutor,
    destinationId: string,
    batchId: string,
    ids: string[],
    nowMs: number,
    leaseMs: number,
  ): Promise<ClaimedBatch | null> {
    const leaseToken = randomUUID();
    // a withdrawn row whose worker died mid-send is not sent again (delivery-withdrawal.migration.ts)
    await tx.query(
      `UPDATE deliveries SET status = 'suppressed', reason = withdrawn_reason, lease_until = NULL, lease_token = NULL, updated_at = now(), finished_at = now()
        WHERE delivery_id = ANY($1::text[]) AND status = 'pending' AND withdrawn_reason IS NOT NULL AND (lease_until IS NULL OR lease_until <= to_timestamp($2))`,
      [ids, nowMs / 1000],
    );
    const { rows } = await tx.query<ClaimedRow>(
      `UPDATE deliveries
          SET batch_id = $2, attempts = attempts + 1, lease_until = to_timestamp($3), lease_token = $4, updated_at = now()
        WHERE delivery_id = ANY($1::text[]) AND status = 'pending'
          -- the advisory lock already keeps claimers apart; this keeps a row from ever being leased twice regardless
          AND (batch_id IS NULL OR batch_id = $2) AND (lease_until IS NULL OR lease_until <= to_timestamp($5))
        RETURNING delivery_id, payload, attempts, attempts_at_replay, seq,
                  (extract(epoch FROM coalesce(replayed_at, created_at)) * 1000)::bigint AS age_start_ms`,
      [ids, batchId, (nowMs + leaseMs) / 1000, leaseToken, nowMs / 1000],
    );
    if (rows.length === 0) return null;
    rows.sort((a, b) => Number(a.seq) - Number(b.seq));
    const leased = rows.map((r) => r.delivery_id);
    await tx.query(
      `UPDATE delivery_attempts SET outcome = 'abandoned', error = $2, finished_at = greatest(started_at, now())
        WHERE delivery_id = ANY($1::text[]) AND outcome = 'in_flight'`,
      [leased, ABANDONED],
    );
    await tx.query(
      `INSERT INTO delivery_attempts (delivery_id, attempt, batch_id, started_at, finished_at, outcome)
       SELECT u.id, u.attempt, $3, to_timestamp($4), to_timestamp($4), 'in_flight' FROM unnest($1::text[], $2::int[]) AS u(id, attempt)`,
      [leased, rows.map((r) => r.attempts), batchId, nowMs / 1000],
    );
    return {
      batchId,
      destinationId,
      leaseToken,
      items: rows.map((r) => ({ ...r.payload, deliveryId: r.delivery_id })),
      rows: rows.map((r) => ({
        deliveryId: r.delivery_id,
        attempt: r.attempts,
        budgetAttempts: r.attempts - r.attempts_at_replay,
        ageStartMs: Number(r.age_start_ms),
      })),
    };
  }
}
