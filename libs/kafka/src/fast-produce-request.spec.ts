import fc from 'fast-check';
import { fastProduceRequest, type FastProduceDeps, type KafkajsRequest, type ProduceRequestArgs } from './fast-produce-request';

/** kafkajs's own modules, loaded fresh so that no swapped module cache entry stands in for them. */
function kafkajsOriginal<T>(id: string): T {
  let loaded: unknown;
  jest.isolateModules(() => {
    loaded = jest.requireActual(id);
  });
  return loaded as T;
}

const kafkajsProduce = kafkajsOriginal<FastProduceDeps['original']>('kafkajs/src/protocol/requests/produce/v3/request.js');
const Long = kafkajsOriginal<FastProduceDeps['Long']>('kafkajs/src/utils/long.js');
const kafkajsRecord = kafkajsOriginal<FastProduceDeps['recordEncoder']>('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const fast = fastProduceRequest({ original: kafkajsProduce, recordEncoder: kafkajsRecord, Long });

const bytes = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 50 }),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
);
const message = fc.record(
  {
    key: bytes,
    value: bytes,
    // Repeated headers (arrays) are left to kafkajs's record encoder: partitions mix both kinds of record.
    headers: fc.dictionary(
      fc.string({ maxLength: 10 }),
      fc.oneof(fc.string({ maxLength: 20 }), fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 })),
      { maxKeys: 2 },
    ),
    timestamp: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
  },
  { requiredKeys: ['value'] },
);
const args = fc.record({
  acks: fc.constantFrom(-1, 0, 1),
  timeout: fc.integer({ min: 0, max: 60_000 }),
  transactionalId: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  producerId: fc.option(
    fc.integer({ min: -1, max: 2 ** 31 - 1 }).map((id) => Long.fromValue(id)),
    { nil: undefined },
  ),
  producerEpoch: fc.option(fc.integer({ min: 0, max: 32_000 }), { nil: undefined }),
  topicData: fc.array(
    fc.record({
      topic: fc.string({ minLength: 1, maxLength: 30 }),
      partitions: fc.array(
        fc.record({
          partition: fc.nat(100),
          firstSequence: fc.option(fc.nat(100_000), { nil: undefined }),
          messages: fc.array(message, { maxLength: 8 }),
        }),
        { maxLength: 4 },
      ),
    }),
    { maxLength: 3 },
  ),
});

async function bytesOf(request: KafkajsRequest): Promise<Buffer> {
  return (await request.encode()).buffer;
}

describe('fastProduceRequest', () => {
  // Messages without a timestamp get Date.now(): the same frozen clock for both encoders.
  beforeAll(() => jest.useFakeTimers({ now: 1_763_800_000_000 }));
  afterAll(() => jest.useRealTimers());

  it("is compared with kafkajs's own code", () => {
    expect(kafkajsProduce.toString()).toContain('encode');
  });

  it('writes the same produce request as kafkajs for any topic data', async () => {
    await fc.assert(
      fc.asyncProperty(args, async (produceArgs: ProduceRequestArgs) => {
        const ours = fast(produceArgs);
        const theirs = kafkajsProduce(produceArgs);
        expect([ours.apiKey, ours.apiVersion, ours.apiName, ours.expectResponse()]).toEqual([
          theirs.apiKey,
          theirs.apiVersion,
          theirs.apiName,
          theirs.expectResponse(),
        ]);
        expect((await bytesOf(ours)).equals(await bytesOf(theirs))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('writes the same request as kafkajs for a typical gateway batch', async () => {
    const produceArgs = {
      acks: -1,
      timeout: 30_000,
      producerId: Long.fromValue(7),
      producerEpoch: 1,
      topicData: [
        {
          topic: 'cdp.events.raw',
          partitions: [
            {
              partition: 3,
              firstSequence: 42,
              messages: [
                { key: 'user-1', value: Buffer.alloc(700, 1), headers: { 'tessera-seq': 'id-1' } },
                { key: 'user-2', value: Buffer.alloc(20, 2) },
              ],
            },
          ],
        },
      ],
    };
    expect((await bytesOf(fast(produceArgs))).equals(await bytesOf(kafkajsProduce(produceArgs)))).toBe(true);
  });

  it('leaves compressed requests to kafkajs', () => {
    const produceArgs = { acks: -1, timeout: 1, compression: 1, topicData: [] };
    expect(fast(produceArgs).encode.toString()).toBe(kafkajsProduce(produceArgs).encode.toString());
  });
});
