import { ACTIVATION_DISPATCHER_ENV_SPEC, validateEnvironment, type EnvSource } from '@tessera/config';

/**
 * The delivery worker's tuning (the ACTIVATION_* variables); per-destination limits (attempts, age, concurrency,
 * rate) live on the destination row.
 */
export interface DeliverySettings {
  /** How often the worker looks for due deliveries and for destinations that were added, edited or deleted. */
  pollMs: number;
  /** One send call; the adapter's signal is aborted when it runs out. */
  attemptTimeoutMs: number;
  /** How long a claim holds its rows: past it, a worker that died mid-send loses them to another. Above attemptTimeoutMs. */
  leaseMs: number;
  /** Exponential backoff with equal jitter: attempt n waits between half and all of min(maxMs, baseMs * 2^(n-1)). */
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

/** The settings from the environment (ACTIVATION_*, validated by libs/config; each has a default). */
export function loadDeliverySettings(source: EnvSource = process.env): DeliverySettings {
  const env = validateEnvironment(ACTIVATION_DISPATCHER_ENV_SPEC, source);
  return {
    pollMs: env.ACTIVATION_POLL_MS,
    attemptTimeoutMs: env.ACTIVATION_ATTEMPT_TIMEOUT_MS,
    leaseMs: env.ACTIVATION_LEASE_MS,
    backoffBaseMs: env.ACTIVATION_BACKOFF_BASE_MS,
    backoffMaxMs: env.ACTIVATION_BACKOFF_MAX_MS,
    breakerThreshold: env.ACTIVATION_BREAKER_THRESHOLD,
    breakerHalfOpenMs: env.ACTIVATION_BREAKER_HALF_OPEN_MS,
    queueDepthRefreshMs: env.ACTIVATION_QUEUE_DEPTH_REFRESH_MS,
  };
}

/** The defaults: what an empty environment gives. */
export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = loadDeliverySettings({});

/**
 * `base` (the environment's, or the defaults) with `overrides` (tests); a lease that could run out while its own
 * attempt is still allowed to run is refused.
 */
export function resolveDeliverySettings(
  overrides: Partial<DeliverySettings> = {},
  base: DeliverySettings = DEFAULT_DELIVERY_SETTINGS,
): DeliverySettings {
  const settings = { ...base, ...overrides };
  if (settings.leaseMs <= settings.attemptTimeoutMs) {
    throw new Error(
      `delivery leaseMs (${settings.leaseMs}) must exceed attemptTimeoutMs (${settings.attemptTimeoutMs}): a lease running out mid-send lets another worker send the batch too`,
    );
  }
  return settings;
}
