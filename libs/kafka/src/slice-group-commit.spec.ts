import { SliceGroupCommit, type Settled } from './slice-group-commit';

/** A flush that records its groups and finishes only when the test releases it. */
function recordingFlush() {
  const groups: number[][] = [];
  const releases: Array<() => void> = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const flush = async (items: readonly number[]): Promise<Settled<number>[]> => {
    groups.push([...items]);
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    await new Promise<void>((resolve) => releases.push(resolve));
    inFlight -= 1;
    return items.map((n) => (n < 0 ? { error: new Error(`bad ${n}`) } : { value: n * 10 }));
  };
  return { flush, groups, releases, mostInFlight: () => mostInFlight };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('SliceGroupCommit', () => {
  it('spreads what arrives in one turn over the free slots, and each caller gets its own result', async () => {
    const f = recordingFlush();
    const commit = new SliceGroupCommit(f.flush, { parts: 2 });
    const results = [1, 2, 3, -4, 5].map((n) =>
      commit.submit(n).then(
        (v) => ({ v }),
        (e: Error) => ({ e: e.message }),
      ),
    );
    await turn();
    expect(f.groups).toEqual([
      [1, 2, 3],
      [-4, 5],
    ]);
    f.releases.forEach((release) => release());
    expect(await Promise.all(results)).toEqual([{ v: 10 }, { v: 20 }, { v: 30 }, { e: 'bad -4' }, { v: 50 }]);
  });

  it('never has more than `parts` groups in flight: what arrives meanwhile waits and goes out together', async () => {
    const f = recordingFlush();
    const commit = new SliceGroupCommit(f.flush, { parts: 1 });
    const first = commit.submit(1);
    await turn();
    const later = [2, 3, 4].map((n) => commit.submit(n));
    await turn();
    expect(f.groups).toEqual([[1]]);
    f.releases.shift()!();
    expect(await first).toBe(10);
    // The freed slot takes the next group in the turn after the flush settled.
    await turn();
    await turn();
    expect(f.groups).toEqual([[1], [2, 3, 4]]);
    f.releases.shift()!();
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
    expect(f.mostInFlight()).toBe(1);
  });

  it('takes waiting items in the given order, so related ones share a group', async () => {
    const f = recordingFlush();
    const commit = new SliceGroupCommit(f.flush, { parts: 2, order: (a: number, b: number) => (a % 10) - (b % 10) || a - b });
    const all = [11, 22, 12, 21].map((n) => commit.submit(n));
    await turn();
    expect(f.groups).toEqual([
      [11, 21],
      [12, 22],
    ]);
    f.releases.forEach((release) => release());
    await Promise.all(all);
  });

  it('keeps a group within the budget (a single heavier item still goes alone)', async () => {
    const groups: number[][] = [];
    const flush = async (items: readonly number[]): Promise<Settled<number>[]> => {
      groups.push([...items]);
      return items.map((value) => ({ value }));
    };
    const commit = new SliceGroupCommit(flush, { parts: 1, budget: 10, weight: (n: number) => n });
    await Promise.all([4, 5, 3, 20, 1].map((n) => commit.submit(n)));
    expect(groups).toEqual([[4, 5], [3], [20], [1]]);
  });
});
