import type { Logger } from '@tessera/observability';
import type { DestinationAdapter, SendResult } from '@tessera/destinations';
import {
  BrokenCircuitError,
  bulkhead,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleAll,
  IsolatedCircuitError,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type IPolicy,
} from 'cockatiel';
import type { DeliveryClaimRepository, ClaimedBatch } from './delivery-claim.repository';
import type { OffsetClock } from '@tessera/service-kit';
import type { DeliveryOutcomeRepository } from './delivery-outcome.repository';
import type { DeliverySettings } from './delivery-settings';
import type { DeliveryMetrics } from './metrics';
import { planOutcome, type DestinationLimits } from './outcome-plan';
import { TokenBucket } from './token-bucket';

/** A destination as the worker runs it: the row's delivery limits and a version to notice edits by. */
export interface LaneDestination {
  destinationId: string;
  version: string;
  concurrency: number;
  ratePerSecond: number | null;
  /** Items per send: the destination's batch size within its adapter's maximum. */
  batchSize: number;
  limits: DestinationLimits;
}

export interface LaneDeps {
  claims: DeliveryClaimRepository;
  outcomes: DeliveryOutcomeRepository;
  clock: OffsetClock;
  settings: DeliverySettings;
  metrics: DeliveryMetrics;
  logger: Logger;
}

export type BreakerStateName = 'closed' | 'open' | 'half_open' | 'isolated';
const BREAKER_STATES: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * One destination's own queue: its own claims, concurrency limit (bulkhead), rate limit, attempt timeout and
 * circuit breaker, so a slow, hanging or failing destination only ever holds its own slots. The lane claims a batch
 * only when it can send it at once (a free slot, a rate token, a closed breaker), so nothing sits leased while it
 * waits; a finished send wakes it for the next batch.
 */
export class DestinationLane {
  private readonly bulkhead: BulkheadPolicy;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly policy: IPolicy;
  private readonly bucket: TokenBucket | null;
  private readonly stopping = new AbortController();
  private readonly sends = new Set<Promise<void>>();
  private pumping: Promise<void> | undefined;
  private wakeRequested = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private openUntil = 0;
  private inFlightBatches = 0;
  private closed = false;

  constructor(
    readonly destination: LaneDestination,
    private readonly adapter: DestinationAdapter,
    private readonly deps: LaneDeps,
  ) {
    const { settings } = deps;
    this.bulkhead = bulkhead(Math.max(1, destination.concurrency), 0);
    // retryable answers count as failures too: a destination that answers 503 quickly is as down as one that hangs,
    // and one refusing the credentials refuses every batch until the token is replaced
    this.breaker = circuitBreaker(
      handleAll.orWhenResult((r) => (r as SendResult).outcome === 'retry' || (r as SendResult).outcome === 'auth_failed'),
      {
        halfOpenAfter: settings.breakerHalfOpenMs,
        breaker: new ConsecutiveBreaker(settings.breakerThreshold),
      },
    );
    this.policy = wrap(this.bulkhead, this.breaker, timeout(settings.attemptTimeoutMs, TimeoutStrategy.Aggressive));
    this.bucket = destination.ratePerSecond ? new TokenBucket(destination.ratePerSecond) : null;
    this.breaker.onBreak(() => {
      this.openUntil = Date.now() + settings.breakerHalfOpenMs;
      this.wakeAfter(settings.breakerHalfOpenMs);
    });
    this.breaker.onStateChange((state) => deps.metrics.breakerState.set({ destination: destination.destinationId }, state));
    deps.metrics.breakerState.set({ destination: destination.destinationId }, CircuitState.Closed);
  }

  get breakerState(): BreakerStateName {
    return BREAKER_STATES[this.breaker.state];
  }

  get inFlight(): number {
    return this.inFlightBatches;
  }

  /** Looks for due work now (the worker calls it when its poll sees some, or when something was just queued). */
  wake(): void {
    if (this.closed) return;
    this.wakeRequested = true;
    this.pumping ??= this.pump()
      .catch((err: unknown) =>
        this.deps.logger.warn(
          { err, destinationId: this.destination.destinationId },
          'claiming deliveries failed; retrying on the next poll',
        ),
      )
      .finally(() => {
        this.pumping = undefined;
      });
  }

  /**
   * Stops claiming and resolves once the sends in flight have recorded their outcomes. At shutdown they are aborted
   * (and recorded as retries); when a destination is edited they finish under the old settings.
   */
  async stop(abortInFlight: boolean): Promise<void> {
    this.closed = true;
    if (abortInFlight) this.stopping.abort();
    clearTimeout(this.wakeTimer);
    await this.pumping;
    await Promise.all([...this.sends]);
    await this.adapter.close?.();
  }

  private async pump(): Promise<void> {
    while (this.wakeRequested && !this.closed) {
      this.wakeRequested = false;
      while (!this.closed && this.bulkhead.executionSlots > 0) {
        const state = this.breaker.state;
        if (state === CircuitState.HalfOpen || state === CircuitState.Isolated) return; // the test send's end wakes the lane
        if (state === CircuitState.Open && Date.now() < this.openUntil) return; // onBreak set a wake-up
        const wait = this.bucket?.tryTake() ?? 0;
        if (wait > 0) {
          this.wakeAfter(wait);
          return;
        }
        const batch = await this.deps.claims.claim(
          this.destination.destinationId,
          this.destination.batchSize,
          this.deps.clock.now(),
          this.deps.settings.leaseMs,
        );
        if (!batch) {
          this.bucket?.putBack();
          break;
        }
        this.start(batch);
        // a new batch that took every due head: looking again now would find nothing (a wasted transaction); rows
        // committed meanwhile woke the lane (wakeRequested), and rows a finishing send frees wake it too
        if (!batch.more) break;
      }
    }
  }

  private start(batch: ClaimedBatch): void {
    this.inFlightBatches += 1;
    this.deps.metrics.inFlight.inc({ destination: this.destination.destinationId });
    const sending = this.send(batch)
      .catch((err: unknown) =>
        this.deps.logger.warn(
          { err, destinationId: this.destination.destinationId, batchId: batch.batchId },
          'recording a delivery outcome failed; the lease will run out and the batch is sent again',
        ),
      )
      .finally(() => {
        this.inFlightBatches -= 1;
        this.deps.metrics.inFlight.dec({ destination: this.destination.destinationId });
        this.sends.delete(sending);
        this.wake();
      });
    this.sends.add(sending);
  }

  private async send(batch: ClaimedBatch): Promise<void> {
    const { metrics, settings } = this.deps;
    const destination = this.destination.destinationId;
    const started = performance.now();
    let result: SendResult;
    let label: string;
    try {
      result = (await this.policy.execute(
        ({ signal }) => this.adapter.send({ batchId: batch.batchId, destinationId: destination, items: batch.items }, { signal }),
        this.stopping.signal,
      )) as SendResult;
      label = result.outcome;
    } catch (err) {
      if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) {
        await this.deps.claims.release(batch); // never sent: no attempt to count
        return;
      }
      [result, label] = this.failedSend(err);
    }
    const durationMs = performance.now() - started;
    metrics.latency.observe({ destination }, durationMs / 1000);
    metrics.attempts.inc({ destination, outcome: label });
    const nowMs = this.deps.clock.now();
    const plan = planOutcome(batch.rows, result, {
      nowMs,
      limits: this.destination.limits,
      backoff: { baseMs: settings.backoffBaseMs, maxMs: settings.backoffMaxMs },
      random: Math.random,
    });
    const applied = await this.deps.outcomes.record(batch, plan, nowMs, durationMs);
    if (applied.delivered) metrics.sent.inc({ destination }, applied.delivered);
    if (applied.failed) metrics.failed.inc({ destination, status: 'failed' }, applied.failed);
    if (applied.dead) metrics.failed.inc({ destination, status: 'dead' }, applied.dead);
  }

  private failedSend(err: unknown): [SendResult, string] {
    if (this.stopping.signal.aborted) return [{ outcome: 'retry', error: 'interrupted: the dispatcher was stopping' }, 'error'];
    if (err instanceof TaskCancelledError)
      return [{ outcome: 'retry', error: `no answer within ${this.deps.settings.attemptTimeoutMs} ms (attempt timed out)` }, 'timeout'];
    return [{ outcome: 'retry', error: `send failed: ${err instanceof Error ? err.message : String(err)}` }, 'error'];
  }

  private wakeAfter(ms: number): void {
    clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(() => this.wake(), ms);
    this.wakeTimer.unref();
  }
}
