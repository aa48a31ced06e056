/** The delivery worker's tuning; per-destination limits (attempts, age, concurrency, rate) live on the destination row. */
export interface DeliverySettings {
  /** How often the worker looks for due deliveries and for destinations that were added, edited or deleted. */
  pollMs: number;
  /** One send call; the adapter's signal is aborted when it runs out. */
  attemptTimeoutMs: number;
  /** How long a claim holds its rows: past it, a worker that died mid-send loses them to another. Above attemptTimeoutMs. */
  leaseMs: number;
  /** Exponential backoff with full jitter: attempt n waits a random time up to min(maxMs, baseMs * 2^(n-1)). */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Consecutive failed attempts (retryable outcomes, timeouts, errors) that open a destination's breaker. */
  breakerThreshold: number;
  /** How long an open breaker stays open before one test send (half-open). */
  breakerHalfOpenMs: number;
  /** How often the queue-depth gauge is refreshed from the database. */
  queueDepthRefreshMs: number;
}

export const DELIVERY_SETTINGS = 'DELIVERY_SETTINGS';

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  pollMs: 100,
  attemptTimeoutMs: 30_000,
  leaseMs: 60_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 15 * 60_000,
  breakerThreshold: 5,
  breakerHalfOpenMs: 10_000,
  queueDepthRefreshMs: 5_000,
};

/** The defaults with `overrides`; a lease that could run out while its own attempt is still allowed to run is refused. */
export function resolveDeliverySettings(overrides: Partial<DeliverySettings> = {}): DeliverySettings {
  const settings = { ...DEFAULT_DELIVERY_SETTINGS, ...overrides };
  if (settings.leaseMs <= settings.attemptTimeoutMs) {
    throw new Error(`delivery leaseMs (${settings.leaseMs}) must exceed attemptTimeoutMs (${settings.attemptTimeoutMs}): a lease running out mid-send lets another worker send the batch too`);
  }
  return settings;
}
