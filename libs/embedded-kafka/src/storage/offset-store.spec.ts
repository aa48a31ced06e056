import * as fs from 'node:fs';
import * as path from 'node:path';
import { OffsetStore } from './offset-store';
import { makeTempDir, removeDir } from '../test-support/storage-helpers';

describe('OffsetStore', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = makeTempDir('offsets');
    file = path.join(dir, 'committed-offsets.log');
  });
  afterEach(() => removeDir(dir));

  it('keeps the latest commit per group/topic/partition across reopen (without close, as after a crash)', () => {
    const store = OffsetStore.open(file);
    store.commit('g1', [
      { topic: 'a', partition: 0, offset: 5n, leaderEpoch: 0, metadata: null },
      { topic: 'a', partition: 1, offset: 9n, leaderEpoch: 0, metadata: 'x' },
    ]);
    store.commit('g1', [{ topic: 'a', partition: 0, offset: 6n, leaderEpoch: 2, metadata: 'm' }]);
    store.commit('g2', [{ topic: 'b', partition: 0, offset: 1n, leaderEpoch: -1, metadata: null }]);
    const reopened = OffsetStore.open(file);
    expect(reopened.groups().sort()).toEqual(['g1', 'g2']);
    const g1 = reopened.fetch('g1').get('a')!;
    expect(g1.get(0)).toEqual({ offset: 6n, leaderEpoch: 2, metadata: 'm' });
    expect(g1.get(1)).toEqual({ offset: 9n, leaderEpoch: 0, metadata: 'x' });
    expect(reopened.fetch('nobody').size).toBe(0);
    reopened.close();
  });

  it('drops a torn last record and keeps earlier commits', () => {
    const store = OffsetStore.open(file);
    store.commit('g', [{ topic: 'a', partition: 0, offset: 1n, leaderEpoch: 0, metadata: null }]);
    store.commit('g', [{ topic: 'a', partition: 0, offset: 2n, leaderEpoch: 0, metadata: null }]);
    store.close();
    fs.truncateSync(file, fs.statSync(file).size - 3);
    const reopened = OffsetStore.open(file);
    expect(reopened.fetch('g').get('a')?.get(0)?.offset).toBe(1n);
    reopened.commit('g', [{ topic: 'a', partition: 0, offset: 3n, leaderEpoch: 0, metadata: null }]);
    expect(OffsetStore.open(file).fetch('g').get('a')?.get(0)?.offset).toBe(3n);
    reopened.close();
  });

  it('forgets deleted groups and topics durably and compacts on open', () => {
    const store = OffsetStore.open(file);
    for (let i = 0; i < 50; i++) store.commit('g', [{ topic: 'a', partition: 0, offset: BigInt(i), leaderEpoch: 0, metadata: null }]);
    store.commit('g', [{ topic: 'b', partition: 0, offset: 1n, leaderEpoch: 0, metadata: null }]);
    store.commit('h', [{ topic: 'a', partition: 0, offset: 1n, leaderEpoch: 0, metadata: null }]);
    store.deleteTopic('a');
    store.deleteGroup('nope');
    expect(store.groups()).toEqual(['g']);
    store.close();
    const sizeBefore = fs.statSync(file).size;
    const reopened = OffsetStore.open(file);
    expect(fs.statSync(file).size).toBeLessThan(sizeBefore);
    expect(reopened.groups()).toEqual(['g']);
    expect([...reopened.fetch('g').keys()]).toEqual(['b']);
    reopened.deleteGroup('g');
    reopened.close();
    expect(OffsetStore.open(file).groups()).toEqual([]);
  });

  it('acknowledges commits after a shared fdatasync on the thread pool, never blocking the event loop on the disk', async () => {
    const store = OffsetStore.open(file);
    const blocking = jest.spyOn(fs, 'fdatasyncSync');
    const pooled = jest.spyOn(fs, 'fdatasync');
    try {
      const commits = Array.from({ length: 100 }, (_, i) =>
        store.commit('g', [{ topic: 'a', partition: i % 3, offset: BigInt(i), leaderEpoch: 0, metadata: null }]),
      );
      expect(commits.every((c) => c instanceof Promise)).toBe(true);
      // visible to fetches at once; acknowledged (resolved) once on disk
      expect(store.fetch('g').get('a')?.get(0)?.offset).toBe(99n);
      await Promise.all(commits);
      expect(blocking).not.toHaveBeenCalled();
      // the first commit starts an fdatasync, the other 99 share the next one
      expect(pooled.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      blocking.mockRestore();
      pooled.mockRestore();
    }
    expect(OffsetStore.open(file).fetch('g').get('a')?.get(2)?.offset).toBe(98n);
    store.close();
  });
});
