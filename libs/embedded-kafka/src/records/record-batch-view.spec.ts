import { buildBatch, makeRecords } from '../test-support/kafkajs-batch-builder';
import { RecordBatchIterator } from './record-batch-iterator';
import { RecordBatchView, incrementSequence } from './record-batch-view';
import { findFirstRecordAtOrAfter } from './record-timestamp-search';

describe('RecordBatchView', () => {
  it('reads the header kafkajs writes and verifies its CRC-32C', async () => {
    const bytes = await buildBatch({
      records: makeRecords(3, 'v', 1_700_000_000_000),
      producerId: 42n,
      producerEpoch: 3,
      firstSequence: 7,
    });
    const view = new RecordBatchView(bytes);
    expect(view.baseOffset).toBe(0n);
    expect(view.sizeInBytes).toBe(bytes.length);
    expect(view.magic).toBe(2);
    expect(view.recordCount).toBe(3);
    expect(view.lastOffsetDelta).toBe(2);
    expect(view.producerId).toBe(42n);
    expect(view.producerEpoch).toBe(3);
    expect(view.baseSequence).toBe(7);
    expect(view.lastSequence).toBe(9);
    expect(view.baseTimestamp).toBe(1_700_000_000_000n);
    expect(view.maxTimestamp).toBe(1_700_000_000_000n);
    expect(view.maxTimestampNumber).toBe(1_700_000_000_000);
    expect(view.hasProducerId).toBe(true);
    expect(view.isTransactional).toBe(false);
    expect(view.isControl).toBe(false);
    expect(view.isCrcValid()).toBe(true);
  });

  it('keeps the CRC valid when baseOffset and partitionLeaderEpoch are rewritten, and notices a flipped byte', async () => {
    const bytes = await buildBatch({ records: makeRecords(2), compression: 'gzip' });
    const view = new RecordBatchView(bytes);
    expect(view.compressionCodec).toBe(1);
    view.setBaseOffset(123456789n);
    view.setPartitionLeaderEpoch(0);
    expect(view.baseOffset).toBe(123456789n);
    view.setBaseOffset(2n ** 40n + 5n);
    expect(view.baseOffsetNumber).toBe(2 ** 40 + 5);
    expect(view.isCrcValid()).toBe(true);
    bytes[bytes.length - 1] ^= 0xff;
    expect(view.isCrcValid()).toBe(false);
  });

  it('wraps sequences past int32 max like Kafka', () => {
    expect(incrementSequence(0x7fffffff, 1)).toBe(0);
    expect(incrementSequence(5, 3)).toBe(8);
  });
});

describe('RecordBatchIterator', () => {
  it('walks concatenated batches and stops at a truncated one', async () => {
    const a = await buildBatch({ records: makeRecords(2) });
    const b = await buildBatch({ records: makeRecords(5), compression: 'gzip' });
    const all = Buffer.concat([a, b, b.subarray(0, 30)]);
    const iterator = new RecordBatchIterator(all);
    const counts: number[] = [];
    for (const view of iterator) counts.push(view.recordCount); // the view is re-pointed, so read it inside the loop
    expect(counts).toEqual([2, 5]);
    expect(iterator.problem).toBe('truncated-header');
    expect(iterator.position).toBe(a.length + b.length);
  });

  it('reports a wrong magic byte', async () => {
    const a = await buildBatch({ records: makeRecords(1) });
    a[16] = 1;
    const iterator = new RecordBatchIterator(a);
    expect([...iterator]).toHaveLength(0);
    expect(iterator.problem).toBe('unsupported-magic');
  });
});

describe('findFirstRecordAtOrAfter', () => {
  it.each(['none', 'gzip'] as const)('finds the exact record by timestamp in %s batches', async (compression) => {
    const records = [100, 200, 300, 400].map((t, i) => ({ value: `v${i}`, timestamp: 1_000_000 + t }));
    const bytes = await buildBatch({ records, compression });
    new RecordBatchView(bytes).setBaseOffset(10n);
    expect(findFirstRecordAtOrAfter(bytes, 1_000_250n)).toEqual({ offset: 12n, timestamp: 1_000_300n });
    expect(findFirstRecordAtOrAfter(bytes, 0n)).toEqual({ offset: 10n, timestamp: 1_000_100n });
    expect(findFirstRecordAtOrAfter(bytes, 2_000_000n)).toBeNull();
  });
});
