import { backoffDelayMs, parseRetryAfter } from './index';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-01T12:00:00.000Z');

  it('reads delay-seconds and HTTP dates (IMF-fixdate and the obsolete RFC 850 form)', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sunday, 01-Mar-26 12:01:00 GMT', now)).toBe(60_000);
  });

  it('waits no time for a date in the past, and ignores what is absent or unreadable', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', now)).toBe(0);
    for (const value of [null, undefined, '', '-5', '1.5', 'soon']) expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('backoffDelayMs', () => {
  it('doubles from the base up to the cap, with half of each step random', () => {
    const policy = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelayMs(60, policy, () => 1)).toBe(1000);
  });

  it('never waits less than a Retry-After asked for', () => {
    const policy = { baseMs: 1000, maxMs: 10_000 };
    expect(backoffDelayMs(1, policy, () => 1, 120_000)).toBe(120_000);
    expect(backoffDelayMs(3, policy, () => 1, 10)).toBe(4000);
  });
});
