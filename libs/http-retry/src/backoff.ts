export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * How long to wait after failed attempt `attempt` (1-based): exponential from `baseMs`, capped at `maxMs`, with
 * "equal jitter" (half of each step fixed, half random), so replicas or parallel runs retrying one API spread out
 * while every wait still grows; never sooner than `atLeastMs` (what a Retry-After asked for).
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random, atLeastMs = 0): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.max(Math.round(step / 2 + (step / 2) * random()), atLeastMs);
}
