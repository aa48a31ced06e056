import fc from 'fast-check';
import { fastRecordBatchDecoder, type RecordBatchDecoder } from './fast-record-batch-decoder';

/** kafkajs's own modules, loaded fresh so that no swapped module cache entry stands in for them. */
function kafkajsOriginal<T>(id: string): T {
  let loaded: unknown;
  jest.isolateModules(() => {
    loaded = jest.requireActual(id);
  });
  return loaded as T;
}

type Long = { add(other: unknown): unknown };
const Long = kafkajsOriginal<{ fromValue(v: unknown): Long }>('kafkajs/src/utils/long.js');
const Decoder = kafkajsOriginal<new (buffer: Buffer) => { canReadBytes(n: number): boolean }>('kafkajs/src/protocol/decoder.js');
const kafkajsDecoder = kafkajsOriginal<RecordBatchDecoder>('kafkajs/src/protocol/recordBatch/v0/decoder.js');
const { RecordBatch } = kafkajsOriginal<{ RecordBatch: (args: object) => Promise<{ buffer: Buffer }> }>(
  'kafkajs/src/protocol/recordBatch/v0/index.js',
);
const Record = kafkajsOriginal<(args: object) => unknown>('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const fast = fastRecordBatchDecoder(kafkajsDecoder, Long as Parameters<typeof fastRecordBatchDecoder>[1]);

/** As kafkajs's fetch response decodes its record set (requests/fetch/v4/decodeMessages.js), with either decoder. */
async function decodeAll(decode: RecordBatchDecoder, bytes: Buffer): Promise<unknown[]> {
  const decoder = new Decoder(bytes);
  const batches: unknown[] = [];
  while (decoder.canReadBytes(49)) {
    try {
      batches.push(await decode(decoder as unknown as Parameters<RecordBatchDecoder>[0]));
    } catch (e) {
      if ((e as Error).name === 'KafkaJSPartialMessageError') break;
      throw e;
    }
  }
  return batches;
}

const bytes = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 30 }),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
);
const record = fc.record({
  offsetDelta: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })),
  timestampDelta: fc.oneof(fc.integer({ min: -5_000, max: 5_000 }), fc.constantFrom(2 ** 40, -(2 ** 47), 2 ** 50, 2 ** 62)),
  key: bytes,
  value: bytes,
  headers: fc.dictionary(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.oneof(
      bytes.filter((b) => b !== null),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    ),
    { maxKeys: 4 },
  ),
});
const batch = fc.record({
  firstOffset: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 40n }), fc.constantFrom(2n ** 53n - 3n, 2n ** 62n)),
  firstTimestamp: fc.oneof(fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }), fc.constantFrom(-1, 2 ** 53 - 2)),
  maxTimestamp: fc.integer({ min: 0, max: 1_900_000_000_000 }),
  records: fc.array(record, { maxLength: 6 }),
  // Bits 3 to 5 of the attributes: log-append time, transactional, control (kafkajs's encoder sets none of the first).
  flags: fc.constantFrom(0, 0x08, 0x10, 0x20, 0x38),
  compression: fc.constantFrom(0, 0, 0, 1),
});

type Batch = typeof batch extends fc.Arbitrary<infer T> ? T : never;

async function encode(b: Batch): Promise<Buffer> {
  const records = b.records.map((r) => Record(r));
  const { buffer } = await RecordBatch({
    compression: b.compression,
    firstOffset: Long.fromValue(b.firstOffset),
    firstTimestamp: b.firstTimestamp,
    maxTimestamp: b.maxTimestamp,
    lastOffsetDelta: Math.max(0, b.records.length - 1),
    records,
  });
  buffer.writeInt16BE(buffer.readInt16BE(21) | b.flags, 21);
  return buffer;
}

describe('fastRecordBatchDecoder', () => {
  it('decodes any record set as kafkajs does, partial last batch included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { minLength: 1, maxLength: 4 }), fc.nat(), async (batches, cut) => {
        const whole = Buffer.concat(await Promise.all(batches.map(encode)));
        for (const bytes of [whole, whole.subarray(0, whole.length - (cut % whole.length))]) {
          expect(await decodeAll(fast, bytes)).toStrictEqual(await decodeAll(kafkajsDecoder, bytes));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('folds repeated and odd header names as kafkajs does', async () => {
    const headers: Record<string, string | string[]> = {
      'tessera-seq': 'a-uuid',
      twice: ['1', '2'],
      constructor: 'c',
      toString: ['x', 'y'],
    };
    Object.defineProperty(headers, '__proto__', { value: ['p', 'q'], enumerable: true });
    const bytes = await encode({
      firstOffset: 41n,
      firstTimestamp: 1_700_000_000_000,
      maxTimestamp: 1_700_000_000_005,
      records: [{ offsetDelta: 0, timestampDelta: 5, key: 'k', value: Buffer.from('v'), headers }],
      flags: 0,
      compression: 0,
    });
    const decoded = await decodeAll(fast, bytes);
    // toEqual: toStrictEqual compares `constructor` properties by identity, and here one is a header.
    expect(decoded).toEqual(await decodeAll(kafkajsDecoder, bytes));
    const [{ records }] = decoded as Array<{ records: Array<{ offset: string; headers: Record<string, unknown> }> }>;
    expect(records[0].offset).toBe('41');
    expect(Object.getPrototypeOf(records[0].headers)).toBe(Object.prototype);
    expect(Object.keys(records[0].headers)).toEqual(['tessera-seq', 'twice', 'constructor', 'toString', '__proto__']);
  });
});
