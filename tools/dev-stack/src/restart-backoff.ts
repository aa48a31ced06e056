export interface RestartPolicy {
  /** Delay before the first restart after a crash. */
  initialDelayMs: number;
  /** The delay doubles with each crash in a row, up to this. */
  maxDelayMs: number;
  /** A child that ran at least this long before it exited counts as healthy: its next crash starts over. */
  healthyAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000, healthyAfterMs: 60_000 };

/** Crashes in a row after a run that lasted ranMs: a long run resets the streak, a short one extends it. */
export function crashStreak(previousStreak: number, ranMs: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): number {
  return ranMs >= policy.healthyAfterMs ? 1 : previousStreak + 1;
}

/** How long to wait before restarting after the streak-th crash in a row (1-based): exponential, capped. */
export function restartDelayMs(streak: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): number {
  const doublings = Math.max(0, Math.min(streak - 1, 30));
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** doublings);
}
