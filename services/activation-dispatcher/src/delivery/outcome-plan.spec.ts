import type { SendResult } from '@tessera/destinations';
import { planOutcome, type ClaimedDelivery, type OutcomeContext } from './outcome-plan';

const NOW = 1_000_000_000;
const ctx: OutcomeContext = {
  nowMs: NOW,
  limits: { maxAttempts: 5, maxAgeMs: 3_600_000 },
  backoff: { baseMs: 1000, maxMs: 60_000 },
  random: () => 0.5,
};
const row = (deliveryId: string, budgetAttempts = 1, ageStartMs = NOW - 1000): ClaimedDelivery => ({
  deliveryId,
  attempt: budgetAttempts,
  budgetAttempts,
  ageStartMs,
});

describe('planOutcome', () => {
  it('keeps a retried batch together under its batch id, due after the backoff', () => {
    const plan = planOutcome([row('a', 2), row('b', 1)], { outcome: 'retry', error: 'HTTP 503', status: 503 }, ctx);
    expect(plan.updates).toEqual([
      { deliveryId: 'a', status: 'pending', reason: 'HTTP 503', nextAttemptAt: NOW + 1500, keepBatch: true },
      { deliveryId: 'b', status: 'pending', reason: 'HTTP 503', nextAttemptAt: NOW + 1500, keepBatch: true },
    ]);
    expect(plan.destinationError).toEqual({ kind: 'retry', message: 'HTTP 503', httpStatus: 503 });
  });

  it('sends a row out of attempts, or whose next attempt would fall past its max age, to dead', () => {
    const spent = planOutcome([row('spent', 5), row('fresh', 1)], { outcome: 'retry', error: 'HTTP 500' }, ctx);
    expect(spent.updates.map((u) => [u.deliveryId, u.status])).toEqual([
      ['spent', 'dead'],
      ['fresh', 'pending'],
    ]);
    expect(spent.updates[0].reason).toBe('gave up after 5 attempt(s); last error: HTTP 500');
    // Retry-After 5 s: past the deadline of a delivery with less than 5 s of its hour left
    const plan = planOutcome(
      [row('old', 1, NOW - 3_600_000), row('late', 1, NOW - 3_596_000), row('young', 1, NOW - 3_594_000)],
      { outcome: 'retry', error: 'HTTP 500', retryAfterMs: 5000 },
      ctx,
    );
    expect(plan.updates.map((u) => [u.deliveryId, u.status, u.nextAttemptAt])).toEqual([
      ['old', 'dead', null],
      ['late', 'dead', null],
      ['young', 'pending', NOW + 5000],
    ]);
    expect(plan.updates[0].reason).toBe('gave up after 3600 s (max age); last error: HTTP 500');
  });

  it('fails a terminal answer', () => {
    expect(planOutcome([row('a')], { outcome: 'terminal', error: 'bad email', status: 400 }, ctx).updates[0]).toMatchObject({
      status: 'failed',
      reason: 'rejected by the destination (HTTP 400): bad email',
    });
  });

  it('names an auth failure as such and backs off like a retry, to the DLQ once out of attempts', () => {
    const auth = planOutcome([row('a', 2), row('spent', 5)], { outcome: 'auth_failed', error: 'token expired', status: 401 }, ctx);
    const reason = "authentication failed (HTTP 401): token expired (check the destination's credentials)";
    expect(auth.updates).toEqual([
      { deliveryId: 'a', status: 'pending', reason, nextAttemptAt: NOW + 12000, keepBatch: true },
      {
        deliveryId: 'spent',
        status: 'dead',
        reason: `gave up after 5 attempt(s); last error: ${reason}`,
        nextAttemptAt: null,
        keepBatch: true,
      },
    ]);
    expect(auth.attempts.map((a) => a.outcome)).toEqual(['auth_failed', 'auth_failed']);
    expect(auth.destinationError).toEqual({ kind: 'auth_failed', message: 'authentication failed: token expired', httpStatus: 401 });
  });

  it('splits a partial answer: rejected rows fail, the retry rows leave the batch, the rest is delivered', () => {
    const plan = planOutcome(
      [row('ok'), row('bad'), row('again')],
      { outcome: 'partial', status: 200, rejected: [{ deliveryId: 'bad', error: 'invalid phone' }], retry: ['again'] },
      ctx,
    );
    expect(plan.updates.map((u) => [u.deliveryId, u.status, u.keepBatch])).toEqual([
      ['ok', 'delivered', true],
      ['bad', 'failed', true],
      ['again', 'pending', false],
    ]);
    expect(plan.attempts.map((a) => a.outcome)).toEqual(['delivered', 'rejected', 'retry']);
    expect(plan.anyDelivered).toBe(true);
    expect(plan.destinationError?.kind).toBe('rejected');
  });

  it('holds the retried part of a partial answer back for its Retry-After', () => {
    const result = { outcome: 'partial', status: 429, rejected: [], retry: ['again'], retryAfterMs: 30_000 } as SendResult;
    expect(planOutcome([row('ok'), row('again')], result, ctx).updates[1]).toMatchObject({
      status: 'pending',
      nextAttemptAt: NOW + 30_000,
      keepBatch: false,
    });
  });
});
