import { retryDelayMs } from './backoff';

describe('retryDelayMs', () => {
  it('grows exponentially with jitter in the upper half of each step, capped, and never below Retry-After', () => {
    const policy = { baseMs: 1000, maxMs: 10_000 };
    expect([1, 2, 3].map((n) => retryDelayMs(n, policy, () => 0))).toEqual([500, 1000, 2000]);
    expect([1, 2, 3].map((n) => retryDelayMs(n, policy, () => 1))).toEqual([1000, 2000, 4000]);
    expect(retryDelayMs(30, policy, () => 1)).toBe(10_000);
    expect(retryDelayMs(1, policy, () => 1, 120_000)).toBe(120_000);
    expect(retryDelayMs(3, policy, () => 1, 10)).toBe(4000);
  });
});
