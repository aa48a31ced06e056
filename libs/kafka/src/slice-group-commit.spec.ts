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
  describe('with an affinity', () => {
    const byClass = { affinity: (n: number) => n % 3, order: (a: number, b: number) => (a % 3) - (b % 3) || a - b };

    it('never puts one class in two groups in flight: full items of a class in flight wait for it', async () => {
      const f = recordingFlush();
      const commit = new SliceGroupCommit(f.flush, { parts: 2, budget: 1, ...byClass });
      const all = [0, 3, 1, 4].map((n) => commit.submit(n));
      await turn();
      // Without the affinity the two slots would take 0 and 3, which lock the same keys.
      expect(f.groups).toEqual([[0], [1]]);
      f.releases.shift()!();
      await all[0];
      await turn();
      await turn();
      expect(f.groups).toEqual([[0], [1], [3]]);
      f.releases.shift()!();
      f.releases.shift()!();
      await turn();
      await turn();
      expect(f.groups).toEqual([[0], [1], [3], [4]]);
      f.releases.shift()!();
      expect(await Promise.all(all)).toEqual([0, 30, 10, 40]);
      expect(f.mostInFlight()).toBe(2);
    });

    it('starts with the class that has the most waiting weight, so no class queues behind the others', async () => {
      const f = recordingFlush();
      const commit = new SliceGroupCommit(f.flush, { parts: 1, budget: 1, ...byClass });
      const all = [0, 1, 4, 7].map((n) => commit.submit(n));
      for (let i = 0; i < 4; i++) {
        await turn();
        await turn();
        f.releases.shift()!();
      }
      expect(await Promise.all(all)).toEqual([0, 10, 40, 70]);
      // Class 1 waits with three items, class 0 with one; at one each, the first in order goes.
      expect(f.groups).toEqual([[1], [4], [0], [7]]);
    });

    it('takes the rest of its last class past its share, so a class is not split between the slots', async () => {
      const f = recordingFlush();
      const commit = new SliceGroupCommit(f.flush, { parts: 2, ...byClass });
      const all = [0, 1, 2, 3, 4, 5].map((n) => commit.submit(n));
      await turn();
      expect(f.groups).toEqual([
        [0, 3, 1, 4],
        [2, 5],
      ]);
      f.releases.forEach((release) => release());
      await Promise.all(all);
    });
  });
});
