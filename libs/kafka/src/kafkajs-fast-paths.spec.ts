import fc from 'fast-check';
import { crc32c } from '@node-rs/crc32';
import { planRecord, writeRecord } from './fast-record-encoder';
import { groupMessagesPerPartition } from './kafkajs-send-messages';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs's untyped internal encoder, the reference
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: unknown) => { buffer: Buffer };
/** A record as fast-produce-request.ts writes it: planned and written, or left to kafkajs. */
function fast(record: Parameters<typeof planRecord>[0]): { buffer: Buffer } {
  const plan = planRecord(record);
  if (!plan) return kafkajsRecord(record);
  const buffer = Buffer.allocUnsafe(plan.size);
  writeRecord(buffer, 0, record, plan);
  return { buffer };
}

const bytes = fc.oneof(
  fc.constant(null),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
);

describe('planRecord and writeRecord', () => {
  it('writes the same bytes as kafkajs for any record', () => {
    fc.assert(
      fc.property(
        fc.record({
          offsetDelta: fc.integer({ min: 0, max: 100_000 }),
          timestampDelta: fc.oneof(fc.integer({ min: -5_000_000, max: 5_000_000 }), fc.constant(2 ** 40)),
          key: bytes,
          value: bytes,
          headers: fc.dictionary(
            fc.string({ unit: 'binary', maxLength: 20 }),
            fc.oneof(
              fc.string({ maxLength: 40 }),
              fc.uint8Array().map((a) => Buffer.from(a)),
            ),
          ),
        }),
        (record) => {
          expect(fast(record).buffer.equals(kafkajsRecord(record).buffer)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('encodes a record with a key, an Avro value and a header as kafkajs does', () => {
    const record = {
      offsetDelta: 3,
      timestampDelta: 0,
      key: 'user-1',
      value: Buffer.alloc(700, 7),
      headers: { 'tessera-seq': 'a-uuid' },
    };
    expect(fast(record).buffer).toEqual(kafkajsRecord(record).buffer);
  });

  it('leaves records it does not expect to kafkajs, errors included', () => {
    const nullHeader = { key: 'k', value: 'v', headers: { h: null } };
    expect(() => fast(nullHeader)).toThrow();
    expect(() => kafkajsRecord(nullHeader)).toThrow();
    const repeated = { key: 'k', value: 'v', headers: { h: ['a', 'b'] } };
    expect(fast(repeated).buffer).toEqual(kafkajsRecord(repeated).buffer);
  });
});

describe('the native CRC-32C of the fast produce request', () => {
  it('gives the checksums of kafkajs for any bytes', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs's untyped JS implementation, the reference
    const kafkajsCrc = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C') as (buffer: Buffer) => number;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        const buffer = Buffer.from(bytes);
        expect(crc32c(buffer)).toBe(kafkajsCrc(buffer) >>> 0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the message grouping of our sendMessages', () => {
  it('calls the partitioner in the same order and groups as kafkajs does', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs's untyped grouping, the reference
    const kafkajsGroup = require('kafkajs/src/producer/groupMessagesPerPartition') as typeof groupMessagesPerPartition;
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.string(), partition: fc.integer({ min: 0, max: 7 }) }), { maxLength: 200 }),
        fc.integer({ min: 0, max: 8 }),
        (messages, partitions) => {
          const calls = (group: typeof groupMessagesPerPartition) => {
            const seen: unknown[] = [];
            const partitioner = ({ message }: { message: unknown }) => {
              seen.push(message);
              return (message as { partition: number }).partition;
            };
            const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i }));
            return { result: group({ topic: 't', partitionMetadata, messages, partitioner }), seen };
          };
          expect(calls(groupMessagesPerPartition)).toEqual(calls(kafkajsGroup));
        },
      ),
      { numRuns: 300 },
    );
  });
});
