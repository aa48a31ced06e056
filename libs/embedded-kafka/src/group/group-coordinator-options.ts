export interface GroupCoordinatorOptions {
  /** group.initial.rebalance.delay.ms: Kafka's default is 3000. */
  initialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms: Kafka's default is 6000. */
  minSessionTimeoutMs: number;
  /** group.max.session.timeout.ms: Kafka's default is 1800000. */
  maxSessionTimeoutMs: number;
  /** group.max.size: Kafka's default is unlimited. */
  maxGroupSize?: number;
  /** Told about a bug surfacing in a timer callback, which must not crash the broker (default: stderr). */
  onTimerError?: (error: unknown) => void;
}

export const DEFAULT_GROUP_COORDINATOR_OPTIONS: GroupCoordinatorOptions = {
  initialRebalanceDelayMs: 3000,
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1_800_000,
};
