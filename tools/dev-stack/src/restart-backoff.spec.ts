import { crashStreak, restartDelayMs, type RestartPolicy } from './restart-backoff';

const policy: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000, healthyAfterMs: 60_000 };

describe('restart backoff', () => {
  it('doubles the delay with each crash in a row, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((streak) => restartDelayMs(streak, policy))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('starts over after a run that lasted long enough to count as healthy', () => {
    expect(crashStreak(0, 500, policy)).toBe(1);
    expect(crashStreak(4, 59_999, policy)).toBe(5);
    expect(crashStreak(4, 60_000, policy)).toBe(1);
  });
});
