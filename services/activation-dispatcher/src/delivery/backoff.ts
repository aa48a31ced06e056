export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * How long to wait before attempt `attempt + 1`, after attempt `attempt` (1-based) failed: exponential with "equal
 * jitter" (half the step fixed, half random), so replicas retrying one destination spread out while the wait still
 * grows with every failure; never sooner than the destination asked for (Retry-After).
 */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, random: () => number, retryAfterMs?: number): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  const jittered = Math.round(step / 2 + (step / 2) * random());
  return Math.max(jittered, retryAfterMs ?? 0);
}
