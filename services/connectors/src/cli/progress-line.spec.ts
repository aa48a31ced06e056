import { progressLine, recordsPerSecond, runProgressLine } from './progress-line';

describe('recordsPerSecond', () => {
  it('measures over the last five seconds of samples', () => {
    expect(recordsPerSecond([])).toBe(0);
    expect(recordsPerSecond([{ atMs: 0, read: 0 }])).toBe(0);
    expect(
      recordsPerSecond([
        { atMs: 0, read: 0 },
        { atMs: 6_000, read: 60_000 },
        { atMs: 8_000, read: 70_000 },
        { atMs: 10_000, read: 90_000 },
      ]),
    ).toBe(7_500);
  });
});

describe('progressLine', () => {
  it('draws a bar, the percentage, the counts, the rate and the ETA when the total is known', () => {
    expect(progressLine(12_345, 27_000, 3_210, 20)).toBe('[#########-----------]  45%  12,345/27,000 records  3,210 rec/s  ETA 5s');
    expect(progressLine(1_000, 1_000_000, 2_000, 10)).toBe('[----------]   0%  1,000/1,000,000 records  2,000 rec/s  ETA 8m20s');
  });

  it('shows the count and rate alone without a total, and an unknown ETA before a rate', () => {
    expect(progressLine(500, null, 250)).toBe('500 records  250 rec/s');
    expect(progressLine(0, 10, 0, 4)).toBe('[----]   0%  0/10 records  0 rec/s  ETA ?');
  });
});

describe('runProgressLine', () => {
  it('shows a succeeded run complete even when the source estimated more rows than the incremental read took', () => {
    const run = { recordsRead: 1, estimatedTotal: 2 };
    expect(runProgressLine({ ...run, state: 'running' }, 0)).toBe('running   [############------------]  50%  1/2 records  0 rec/s  ETA ?');
    expect(runProgressLine({ ...run, state: 'succeeded' }, 0)).toBe(
      'succeeded [########################] 100%  1/1 records  0 rec/s  ETA 0s',
    );
    expect(runProgressLine({ ...run, state: 'failed' }, 0)).toContain(' 50%  1/2 records');
  });

  it("shows an ended run's rate over its whole read, which a run shorter than the poll interval has no samples for", () => {
    const ended = { state: 'succeeded', recordsRead: 600, estimatedTotal: 600, startedAt: '2026-12-06T19:16:44.000Z' };
    expect(runProgressLine({ ...ended, finishedAt: '2026-12-06T19:16:44.250Z' }, 0)).toContain('600/600 records  2,400 rec/s  ETA 0s');
    expect(runProgressLine({ ...ended, state: 'running', finishedAt: null }, 35)).toContain('35 rec/s');
  });
});
