import { progressLine, recordsPerSecond } from './progress-line';

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
