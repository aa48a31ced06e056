import type { SendResult } from '@tessera/destinations';
import { backoffDelayMs, type BackoffPolicy } from '@tessera/http-retry';

/** A row of a claimed batch, as the outcome decision needs it. */
export interface ClaimedDelivery {
  deliveryId: string;
  /** This attempt's number over the delivery's whole life (the delivery_attempts key). */
  attempt: number;
  /** Attempts since the delivery was created or last replayed: what max_attempts counts. */
  budgetAttempts: number;
  /** When the delivery was created or last replayed: what max_age counts from. */
  ageStartMs: number;
}

export interface DestinationLimits {
  maxAttempts: number;
  maxAgeMs: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dead';
export type AttemptOutcome = 'delivered' | 'retry' | 'terminal' | 'auth_failed' | 'rejected';

export interface DeliveryUpdate {
  deliveryId: string;
  status: DeliveryStatus;
  reason: string | null;
  /** For pending rows: when the next attempt is due. */
  nextAttemptAt: number | null;
  /** A retried whole batch keeps its batch_id (same idempotency key); the retried rest of a partial batch gets a new one. */
  keepBatch: boolean;
}

export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  outcome: AttemptOutcome;
  httpStatus: number | null;
  error: string | null;
}

export interface DestinationError {
  kind: 'retry' | 'terminal' | 'auth_failed' | 'rejected';
  message: string;
  httpStatus: number | null;
}

export interface OutcomePlan {
  updates: DeliveryUpdate[];
  attempts: AttemptRecord[];
  /** What the destination's status shows as its last error; null when the attempt delivered everything. */
  destinationError: DestinationError | null;
  /** Whether anything reached the destination (its last success). */
  anyDelivered: boolean;
}

export interface OutcomeContext {
  nowMs: number;
  limits: DestinationLimits;
  backoff: BackoffPolicy;
  random: () => number;
}

/**
 * Decides what one attempt means for each row of its batch: the pure core of the worker (the repository writes the
 * plan, the lane only sends). Retries that ran out of attempts or age become `dead` (the destination's DLQ).
 */
export function planOutcome(batch: readonly ClaimedDelivery[], result: SendResult, ctx: OutcomeContext): OutcomePlan {
  const status = result.status ?? null;
  switch (result.outcome) {
    case 'delivered':
      return {
        updates: batch.map((d) => ({ deliveryId: d.deliveryId, status: 'delivered', reason: null, nextAttemptAt: null, keepBatch: true })),
        attempts: batch.map((d) => attempt(d, 'delivered', status, null)),
        destinationError: null,
        anyDelivered: true,
      };
    case 'retry': {
      const delay = batchDelay(batch, ctx, result.retryAfterMs);
      return {
        updates: batch.map((d) => retryOrDead(d, result.error, delay, true, ctx)),
        attempts: batch.map((d) => attempt(d, 'retry', status, result.error)),
        destinationError: { kind: 'retry', message: result.error, httpStatus: status },
        anyDelivered: false,
      };
    }
    case 'terminal': {
      const reason = `rejected by the destination${httpPart(status)}: ${result.error}`;
      return {
        updates: batch.map((d) => ({ deliveryId: d.deliveryId, status: 'failed', reason, nextAttemptAt: null, keepBatch: true })),
        attempts: batch.map((d) => attempt(d, 'terminal', status, result.error)),
        destinationError: { kind: 'terminal', message: result.error, httpStatus: status },
        anyDelivered: false,
      };
    }
    case 'auth_failed': {
      // Refused credentials are the destination's state, not the record's fault (an ad platform's token expires every
      // few weeks): the rows back off like a retry, so nothing is lost meanwhile, and a PUT of the destination (a new
      // token) brings them forward. Out of attempts or age they go to the DLQ, which can replay them.
      const reason = `authentication failed${httpPart(status)}: ${result.error} (check the destination's credentials)`;
      const delay = batchDelay(batch, ctx);
      return {
        updates: batch.map((d) => retryOrDead(d, reason, delay, true, ctx)),
        attempts: batch.map((d) => attempt(d, 'auth_failed', status, result.error)),
        destinationError: { kind: 'auth_failed', message: `authentication failed: ${result.error}`, httpStatus: status },
        anyDelivered: false,
      };
    }
    case 'partial':
      return planPartial(batch, result, ctx);
  }
}

function planPartial(
  batch: readonly ClaimedDelivery[],
  result: Extract<SendResult, { outcome: 'partial' }>,
  ctx: OutcomeContext,
): OutcomePlan {
  const status = result.status ?? null;
  const rejected = new Map(result.rejected.map((r) => [r.deliveryId, r.error]));
  const retry = new Set(result.retry.filter((id) => !rejected.has(id)));
  const retried = batch.filter((d) => retry.has(d.deliveryId));
  // a partial answer may carry a Retry-After for the part it did not take
  const retryAfterMs = (result as { retryAfterMs?: number }).retryAfterMs;
  const delay = retried.length > 0 ? batchDelay(retried, ctx, retryAfterMs) : 0;
  const retryError = 'the destination did not take this record this time (partial batch)';
  const updates: DeliveryUpdate[] = [];
  const attempts: AttemptRecord[] = [];
  for (const d of batch) {
    const error = rejected.get(d.deliveryId);
    if (error !== undefined) {
      updates.push({
        deliveryId: d.deliveryId,
        status: 'failed',
        reason: `rejected by the destination${httpPart(status)}: ${error}`,
        nextAttemptAt: null,
        keepBatch: true,
      });
      attempts.push(attempt(d, 'rejected', status, error));
    } else if (retry.has(d.deliveryId)) {
      updates.push(retryOrDead(d, retryError, delay, false, ctx));
      attempts.push(attempt(d, 'retry', status, retryError));
    } else {
      updates.push({ deliveryId: d.deliveryId, status: 'delivered', reason: null, nextAttemptAt: null, keepBatch: true });
      attempts.push(attempt(d, 'delivered', status, null));
    }
  }
  const firstRejection = result.rejected.find((r) => batch.some((d) => d.deliveryId === r.deliveryId));
  return {
    updates,
    attempts,
    destinationError: firstRejection
      ? {
          kind: 'rejected',
          message: `${rejected.size} record(s) rejected, e.g. ${firstRejection.deliveryId}: ${firstRejection.error}`,
          httpStatus: status,
        }
      : retried.length > 0
        ? { kind: 'retry', message: retryError, httpStatus: status }
        : null,
    anyDelivered: updates.some((u) => u.status === 'delivered'),
  };
}

/** The wait before a batch's next attempt: the backoff of its most-tried row, never shorter than a Retry-After. */
function batchDelay(batch: readonly ClaimedDelivery[], ctx: OutcomeContext, retryAfterMs?: number): number {
  return backoffDelayMs(Math.max(...batch.map((d) => d.budgetAttempts)), ctx.backoff, ctx.random, retryAfterMs);
}

function retryOrDead(d: ClaimedDelivery, error: string, delayMs: number, keepBatch: boolean, ctx: OutcomeContext): DeliveryUpdate {
  const deadline = d.ageStartMs + ctx.limits.maxAgeMs;
  if (d.budgetAttempts >= ctx.limits.maxAttempts) {
    return {
      deliveryId: d.deliveryId,
      status: 'dead',
      reason: `gave up after ${d.budgetAttempts} attempt(s); last error: ${error}`,
      nextAttemptAt: null,
      keepBatch,
    };
  }
  if (ctx.nowMs + delayMs >= deadline) {
    // waiting would only end past the max age, where the sweep sends it to the DLQ anyway
    return {
      deliveryId: d.deliveryId,
      status: 'dead',
      reason: `gave up after ${Math.round(ctx.limits.maxAgeMs / 1000)} s (max age); last error: ${error}`,
      nextAttemptAt: null,
      keepBatch,
    };
  }
  return { deliveryId: d.deliveryId, status: 'pending', reason: error, nextAttemptAt: ctx.nowMs + delayMs, keepBatch };
}

function attempt(d: ClaimedDelivery, outcome: AttemptOutcome, httpStatus: number | null, error: string | null): AttemptRecord {
  return { deliveryId: d.deliveryId, attempt: d.attempt, outcome, httpStatus, error };
}

function httpPart(status: number | null): string {
  return status === null ? '' : ` (HTTP ${status})`;
}
