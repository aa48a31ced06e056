import * as fs from 'node:fs';
import * as path from 'node:path';
import { OFFSET_INDEX_LAYOUT, SparseIndex, TIME_INDEX_LAYOUT } from './sparse-index';
import { makeTempDir, removeDir } from '../test-support/storage-helpers';

describe('SparseIndex', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir('index');
  });
  afterEach(() => removeDir(dir));

  it('finds the floor entry by binary search and round-trips through its file', () => {
    const file = path.join(dir, 'a.index');
    const index = new SparseIndex(file, OFFSET_INDEX_LAYOUT);
    [10, 20, 30, 40].forEach((k, i) => index.append(k, i * 4096));
    index.flush();
    expect(index.floor(5)).toBe(-1);
    expect(index.floor(10)).toBe(0);
    expect(index.floor(29)).toBe(1);
    expect(index.floor(30, true)).toBe(1);
    expect(index.floor(1000)).toBe(3);
    index.truncateToCount(2);
    index.append(25, 3 * 4096);
    index.flush();
    index.close();
    const loaded = SparseIndex.load(file, OFFSET_INDEX_LAYOUT)!;
    expect(loaded.count).toBe(3);
    expect([loaded.keyAt(2), loaded.valueAt(2)]).toEqual([25, 3 * 4096]);
  });

  it('refuses torn or unsorted files so they get rebuilt', () => {
    const file = path.join(dir, 'a.timeindex');
    fs.writeFileSync(file, Buffer.alloc(13));
    expect(SparseIndex.load(file, TIME_INDEX_LAYOUT)).toBeNull();
    const unsorted = Buffer.alloc(16);
    unsorted.writeInt32BE(5, 0);
    unsorted.writeInt32BE(3, 8);
    fs.writeFileSync(file, unsorted);
    expect(SparseIndex.load(file, OFFSET_INDEX_LAYOUT)).toBeNull();
    expect(SparseIndex.load(path.join(dir, 'missing'), OFFSET_INDEX_LAYOUT)).toBeNull();
  });
});
