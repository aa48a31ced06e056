import { DAY_MS, windowEdges, windowRange } from './time-window';

const T0 = Date.UTC(2026, 0, 1);
const day = (n: number) => T0 + n * DAY_MS;
const items = [day(0), day(3), day(7), day(10)].map((at) => ({ at }));

describe('time windows', () => {
  it('a window of N days at t holds (t - N days, t]', () => {
    expect(windowRange(items, day(10), 7)).toEqual([2, 4]); // day 3 is out at exactly day 3 + 7
    expect(windowRange(items, day(10) - 1, 7)).toEqual([1, 3]);
    expect(windowRange(items, day(5), null)).toEqual([0, 2]);
  });

  it('lists each later entry and exit once, ascending, across several windows', () => {
    // now = day 6: day 7 and day 10 enter; with 7 days, day 0 left at day 7 (same instant as day 7 entering: once),
    // day 3 leaves at 10 (as day 10 enters and day 7 leaves 3 days: once), day 7 at 14, day 10 at 17 and 13 (3 days).
    expect([...windowEdges(items, day(6), [7, 3])]).toEqual([7, 10, 13, 14, 17].map(day));
    expect([...windowEdges(items, day(6), [null])]).toEqual([day(7), day(10)]);
  });
});
