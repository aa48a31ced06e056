import { int } from '../env-validators';

/**
 * activation-dispatcher's own variables: the delivery worker's tuning, for every destination at once (per-destination
 * limits, such as attempts, age, concurrency and rate, are set through the destinations API). They live here, not in
 * the service, so the deploy-file test can hold docker-compose.yml and deploy/k8s to them.
 */
export const ACTIVATION_DISPATCHER_ENV_SPEC = {
  ACTIVATION_POLL_MS: int(
    10,
    60_000,
  )({ default: 100, desc: 'How often the delivery worker looks for due deliveries and edited destinations (new rows wake it at once)' }),
  ACTIVATION_ATTEMPT_TIMEOUT_MS: int(
    100,
    600_000,
  )({ default: 30_000, desc: 'One send call; past it the adapter is aborted and the attempt is retried' }),
  ACTIVATION_LEASE_MS: int(
    200,
    3_600_000,
  )({
    default: 60_000,
    desc: "How long a claimed batch stays leased (above the attempt timeout); a crashed worker's batch is re-sent after it",
  }),
  ACTIVATION_BACKOFF_BASE_MS: int(1, 3_600_000)({ default: 1_000, desc: 'First retry delay; it doubles per attempt, with jitter' }),
  ACTIVATION_BACKOFF_MAX_MS: int(1, 86_400_000)({ default: 900_000, desc: 'Longest retry delay (a Retry-After may ask for more)' }),
  ACTIVATION_BREAKER_THRESHOLD: int(
    1,
    1_000,
  )({ default: 5, desc: "Consecutive failed attempts that open a destination's circuit breaker" }),
  ACTIVATION_BREAKER_HALF_OPEN_MS: int(100, 3_600_000)({ default: 10_000, desc: 'How long an open breaker waits before one test send' }),
  ACTIVATION_QUEUE_DEPTH_REFRESH_MS: int(
    100,
    600_000,
  )({ default: 5_000, desc: 'How often the queue-depth gauge is refreshed and deliveries past their max age go to the DLQ' }),
  ACTIVATION_DELIVERY_RETENTION_DAYS: int(
    1,
    3650,
  )({ default: 30, desc: 'How long delivered, failed and suppressed deliveries (and their attempts) stay in the delivery log' }),
  ACTIVATION_DLQ_RETENTION_DAYS: int(1, 3650)({ default: 90, desc: 'How long dead deliveries stay in the DLQ, replayable' }),
  ACTIVATION_PRUNE_INTERVAL_SECONDS: int(1, 86_400)({ default: 600, desc: 'How often the delivery log is pruned' }),
};
