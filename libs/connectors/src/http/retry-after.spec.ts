import { backoffDelayMs } from './backoff';
import { retryAfterMs } from './retry-after';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-03-01T12:00:00.000Z');

  it('reads delay-seconds and HTTP dates (IMF-fixdate and the obsolete RFC 850 form)', () => {
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Sun, 01 Mar 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Sunday, 01-Mar-26 12:01:00 GMT', now)).toBe(60_000);
  });

  it('waits no time for a date in the past, and ignores what it cannot read', () => {
    expect(retryAfterMs('Sun, 01 Mar 2026 11:00:00 GMT', now)).toBe(0);
    for (const value of [null, '', '-5', '1.5', 'soon']) expect(retryAfterMs(value, now)).toBeUndefined();
  });
});

describe('backoffDelayMs', () => {
  it('doubles from the base up to the cap, with half of each step random', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });
});
