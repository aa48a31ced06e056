import * as path from 'node:path';
import { ProducerIdAllocator } from './producer-id-allocator';
import { makeTempDir, removeDir } from '../test-support/storage-helpers';

describe('ProducerIdAllocator', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir('pids');
  });
  afterEach(() => removeDir(dir));

  it('never repeats an id across reopens, including after a crash mid-block', () => {
    const file = path.join(dir, 'producer-ids.json');
    const seen = new Set<bigint>();
    for (let run = 0; run < 4; run++) {
      const allocator = ProducerIdAllocator.open(file, 10);
      // Take more than one block in some runs; there is no close, as after kill -9.
      for (let i = 0; i < 3 + run * 5; i++) {
        const id = allocator.next();
        expect(id).toBeGreaterThanOrEqual(0n);
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
    }
    expect(seen.size).toBe(3 + 8 + 13 + 18);
  });
});
