import { nextRunAt, scheduleProblem } from './schedule';

const at = (iso: string) => Date.parse(iso);

describe('nextRunAt', () => {
  it('adds the interval to the instant it is computed from', () => {
    expect(nextRunAt({ kind: 'interval', minutes: 15 }, 'UTC', at('2026-03-01T10:07:00Z'))).toBe(at('2026-03-01T10:22:00Z'));
  });

  it('runs hourly at the given minute', () => {
    expect(nextRunAt({ kind: 'hourly', minute: 5 }, 'UTC', at('2026-03-01T10:07:00Z'))).toBe(at('2026-03-01T11:05:00Z'));
    expect(nextRunAt({ kind: 'hourly' }, 'UTC', at('2026-03-01T10:07:00Z'))).toBe(at('2026-03-01T11:00:00Z'));
  });

  it('runs daily at a wall-clock time of the connection timezone, across a DST change', () => {
    // Europe/Berlin: CET (+01:00) until 2026-03-29, then CEST (+02:00)
    expect(nextRunAt({ kind: 'daily', at: '02:30' }, 'Europe/Berlin', at('2026-03-27T12:00:00Z'))).toBe(at('2026-03-28T01:30:00Z'));
    expect(nextRunAt({ kind: 'daily', at: '06:00' }, 'Europe/Berlin', at('2026-03-29T12:00:00Z'))).toBe(at('2026-03-30T04:00:00Z'));
  });

  it('follows a cron expression in the timezone', () => {
    expect(nextRunAt({ kind: 'cron', expression: '0 9 * * 1' }, 'America/New_York', at('2026-03-04T00:00:00Z'))).toBe(
      at('2026-03-09T13:00:00Z'),
    );
  });

  it('is strictly after the instant it is computed from (a run due now is not due again now)', () => {
    expect(nextRunAt({ kind: 'hourly', minute: 0 }, 'UTC', at('2026-03-01T10:00:00Z'))).toBe(at('2026-03-01T11:00:00Z'));
  });
});

describe('scheduleProblem', () => {
  it('names a bad cron expression and an unknown timezone', () => {
    expect(scheduleProblem({ kind: 'cron', expression: '61 * * * *' }, 'UTC')?.path).toBe('/schedule/expression');
    expect(scheduleProblem(null, 'Mars/Olympus')?.path).toBe('/timezone');
    expect(scheduleProblem({ kind: 'daily', at: '06:00' }, 'Asia/Tokyo')).toBeNull();
  });
});
