import fc from 'fast-check';
import { createLegacyPartitioner, fastDefaultPartitioner, murmur2 } from './fast-default-partitioner';

const requireOriginal = (id: string): unknown => jest.requireActual(id);

/** kafkajs's own files, read fresh so the swapped module cache entries do not stand in for them. */
function kafkajsOriginal<T>(id: string): T {
  let loaded: T | undefined;
  jest.isolateModules(() => {
    loaded = requireOriginal(id) as T;
  });
  return loaded as T;
}

const kafkajsMurmur2 = kafkajsOriginal<(key: unknown) => number>('kafkajs/src/producer/partitioners/default/murmur2.js');
type Factory = (hash: (key: unknown) => number) => () => (args: unknown) => number;
const kafkajsFactory = kafkajsOriginal<Factory>('kafkajs/src/producer/partitioners/legacy/partitioner.js');

describe('fast default partitioner', () => {
  it("is compared with kafkajs's own code, not with the swapped-in copy", () => {
    expect(kafkajsMurmur2.toString()).toContain('Long');
    expect(kafkajsFactory.toString()).toContain('availablePartitions');
  });

  it('hashes any key as kafkajs murmur2 does (strings of any alphabet, Buffers, numbers)', () => {
    const key = fc.oneof(
      fc.string({ maxLength: 64 }),
      fc.string({ unit: 'binary', maxLength: 64 }),
      fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
      fc.integer(),
    );
    fc.assert(
      fc.property(key, (k) => expect(murmur2(k)).toBe(kafkajsMurmur2(k))),
      { numRuns: 1000 },
    );
  });

  it('picks the same partition as kafkajs for keyed messages and for explicit partitions', () => {
    const ours = createLegacyPartitioner(murmur2, () => 0)();
    const theirs = kafkajsFactory(kafkajsMurmur2)();
    const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: partitionId === 2 ? -1 : 0 }));
    fc.assert(
      fc.property(fc.string(), fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }), (key, partition) => {
        const args = { topic: 't', partitionMetadata, message: { key, partition } };
        expect(ours(args)).toBe(theirs(args));
      }),
    );
  });

  it('fastDefaultPartitioner answers as kafkajs Partitioners.DefaultPartitioner for keyed messages', () => {
    const ours = fastDefaultPartitioner();
    const theirs = kafkajsFactory(kafkajsMurmur2)();
    const partitionMetadata = Array.from({ length: 12 }, (_, partitionId) => ({ partitionId, leader: 0 }));
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 48 }), (key) => {
        const args = { topic: 'cdp.records.raw', partitionMetadata, message: { key } };
        expect(ours(args)).toBe(theirs(args));
      }),
    );
  });

  it('spreads keyless messages round robin over the partitions with a leader', () => {
    const partitioner = createLegacyPartitioner(murmur2, () => 0)();
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: partitionId === 1 ? -1 : 7 }));
    const picked = Array.from({ length: 4 }, () => partitioner({ topic: 't', partitionMetadata, message: {} }));
    expect(picked).toEqual([2, 0, 2, 0]);
    expect(
      partitioner({ topic: 'u', partitionMetadata: partitionMetadata.map((p) => ({ ...p, leader: -1 })), message: { key: null } }),
    ).toBe(1);
  });
});
