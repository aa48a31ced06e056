import { crc32c } from '@node-rs/crc32';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RecordBatchView } from '../records';
import { buildBatch, makeRecords } from '../test-support/kafkajs-batch-builder';
import { DEFAULT_LOG_CONFIG, LogConfig } from './log-config';
import { PartitionLog } from './partition-log';
import { ErrorCode } from '../protocol/error-codes';
import { batchesOf, makeTempDir, removeDir } from '../test-support/storage-helpers';

function openLog(dir: string, overrides: Partial<LogConfig> = {}): PartitionLog {
  return PartitionLog.open({
    dir,
    topic: 't',
    partition: 0,
    config: { ...DEFAULT_LOG_CONFIG, fsync: 'os', ...overrides },
    onAppended: () => undefined,
  });
}

function logFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort();
}

describe('PartitionLog append and read', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(makeTempDir('log'), 't-0');
  });
  afterEach(() => removeDir(path.dirname(dir)));

  it('assigns offsets in place, keeps client bytes otherwise and sets the leader epoch to 0', async () => {
    const log = openLog(dir);
    const first = await buildBatch({ records: makeRecords(3) });
    const original = Buffer.from(first);
    const result = log.append(first, { acks: -1 });
    expect(result).toEqual({ errorCode: 0, baseOffset: 0n, logAppendTimeMs: -1n, logStartOffset: 0n });
    const second = await buildBatch({ records: makeRecords(2), compression: 'gzip' });
    expect(log.append(second, { acks: 1 }).baseOffset).toBe(3n);
    expect(log.logEndOffset).toBe(5);

    const read = log.read(0n, 1 << 20);
    expect(read.errorCode).toBe(0);
    const stored = read.records.subarray(0, original.length);
    // Only the 8-byte base offset (0 here) and the leader epoch may differ from what the client sent.
    expect(stored.subarray(12 + 4)).toEqual(original.subarray(12 + 4));
    expect(new RecordBatchView(read.records, original.length).baseOffset).toBe(3n);
    expect(new RecordBatchView(read.records, original.length).isCrcValid()).toBe(true);
    expect(new RecordBatchView(read.records, original.length).partitionLeaderEpoch).toBe(0);
    log.close();
  });

  it('finds the batch holding every offset through the sparse index across segment rolls', async () => {
    const log = openLog(dir, { segmentBytes: 3000, indexIntervalBytes: 200 });
    const expected: Array<{ baseOffset: number; count: number }> = [];
    const countByBase = new Map<number, number>();
    for (let i = 0; i < 60; i++) {
      const count = 1 + ((i * 7) % 5);
      const result = log.append(await buildBatch({ records: makeRecords(count, `b${i}`) }), { acks: 0 });
      expected.push({ baseOffset: Number(result.baseOffset), count });
      countByBase.set(Number(result.baseOffset), count);
    }
    expect(logFiles(dir).length).toBeGreaterThanOrEqual(3);
    expect(fs.statSync(path.join(dir, '00000000000000000000.index')).size).toBeGreaterThan(0);
    const check = (target: PartitionLog): void => {
      for (let offset = 0; offset < target.logEndOffset; offset++) {
        const batches = batchesOf(target.read(BigInt(offset), 1).records);
        expect(batches).toHaveLength(1);
        const [batch] = batches;
        if (!(batch.baseOffset <= offset && offset < batch.baseOffset + batch.count) || countByBase.get(batch.baseOffset) !== batch.count) {
          throw new Error(`offset ${offset} read batch ${JSON.stringify(batch)}`);
        }
      }
    };
    check(log);
    // A fetch of one segment's worth returns whole batches only and never crosses into the next segment.
    const all = batchesOf(log.read(0n, 1 << 20).records);
    expect(all[0]).toEqual(expected[0]);
    expect(all.length).toBeLessThan(expected.length);
    log.close();
    check(openLog(dir, { segmentBytes: 3000, indexIntervalBytes: 200 }));
  });

  it('rebuilds a missing or corrupt index of an older segment', async () => {
    let log = openLog(dir, { segmentBytes: 2000, indexIntervalBytes: 100 });
    for (let i = 0; i < 30; i++) log.append(await buildBatch({ records: makeRecords(2) }), { acks: 0 });
    log.close();
    fs.rmSync(path.join(dir, '00000000000000000000.index'));
    const second = logFiles(dir)[1].replace('.log', '.index');
    fs.writeFileSync(path.join(dir, second), Buffer.from([0, 0, 0, 5, 0, 0, 0x10, 0]));
    log = openLog(dir, { segmentBytes: 2000, indexIntervalBytes: 100 });
    expect(fs.statSync(path.join(dir, '00000000000000000000.index')).size).toBeGreaterThan(0);
    for (let offset = 0; offset < 60; offset++) {
      const [batch] = batchesOf(log.read(BigInt(offset), 1).records);
      expect(batch.baseOffset).toBe(offset - (offset % 2));
    }
    log.close();
  });

  it('answers OFFSET_OUT_OF_RANGE outside [logStartOffset, logEndOffset] and empty at the end', async () => {
    const log = openLog(dir);
    log.append(await buildBatch({ records: makeRecords(2) }), { acks: 1 });
    expect(log.read(2n, 100)).toEqual({ errorCode: 0, records: Buffer.alloc(0) });
    expect(log.read(3n, 100).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(log.read(-1n, 100).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    log.close();
  });

  it('returns at least one whole batch even when it is larger than maxBytes', async () => {
    const log = openLog(dir);
    log.append(await buildBatch({ records: makeRecords(50) }), { acks: 1 });
    log.append(await buildBatch({ records: makeRecords(50) }), { acks: 1 });
    expect(batchesOf(log.read(10n, 10).records)).toEqual([{ baseOffset: 0, count: 50 }]);
    log.close();
  });
});

describe('PartitionLog validation', () => {
  let dir: string;
  let log: PartitionLog;
  beforeEach(() => {
    dir = path.join(makeTempDir('validate'), 't-0');
    log = openLog(dir, { maxMessageBytes: 10_000 });
  });
  afterEach(() => {
    log.close();
    removeDir(path.dirname(dir));
  });

  it('rejects a batch with a bad CRC with CORRUPT_MESSAGE and stores nothing', async () => {
    const batch = await buildBatch({ records: makeRecords(3) });
    batch[batch.length - 2] ^= 0x01;
    const result = log.append(batch, { acks: -1 });
    expect(result.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(result.baseOffset).toBe(-1n);
    expect(log.logEndOffset).toBe(0);
  });

  it('rejects truncated bytes, wrong magic, empty records, oversize, control and transactional batches', async () => {
    const batch = await buildBatch({ records: makeRecords(3) });
    expect(log.append(batch.subarray(0, batch.length - 1), { acks: 1 }).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const oldMagic = Buffer.from(batch);
    oldMagic[16] = 1;
    expect(log.append(oldMagic, { acks: 1 }).errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(log.append(Buffer.alloc(0), { acks: 1 }).errorCode).toBe(ErrorCode.INVALID_RECORD);
    const big = await buildBatch({ records: [{ value: Buffer.alloc(20_000, 1) }] });
    expect(log.append(big, { acks: 1 }).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    const transactional = await buildBatch({ records: makeRecords(1), transactional: true, producerId: 5n, producerEpoch: 0 });
    expect(log.append(transactional, { acks: 1 }).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    // A control batch needs a valid CRC to get past the CRC check, so set the flag and re-sign it.
    const control = Buffer.from(batch);
    control.writeInt16BE(control.readInt16BE(21) | 0x20, 21);
    control.writeUInt32BE(crc32c(control.subarray(21)), 17);
    expect(log.append(control, { acks: 1 }).errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(log.logEndOffset).toBe(0);
  });

  it('accepts one batch per append from clients, as Kafka, and several when asked', async () => {
    const two = Buffer.concat([
      await buildBatch({ records: makeRecords(2) }),
      await buildBatch({ records: makeRecords(3), compression: 'gzip' }),
    ]);
    expect(log.append(Buffer.from(two), { acks: 1 }).errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(log.append(two, { acks: -1, singleBatch: false }).baseOffset).toBe(0n);
    expect(log.logEndOffset).toBe(5);
    expect(batchesOf(log.read(0n, 1 << 20).records)).toEqual([
      { baseOffset: 0, count: 2 },
      { baseOffset: 2, count: 3 },
    ]);
  });
});

describe('PartitionLog deferred fsync (group commit)', () => {
  it('returns a durable promise only when the policy wants an fsync, and settles it', async () => {
    const dir = path.join(makeTempDir('defer'), 't-0');
    const log = PartitionLog.open({
      dir,
      topic: 't',
      partition: 0,
      config: { ...DEFAULT_LOG_CONFIG, fsync: 'acks-all', segmentBytes: 600 },
      onAppended: () => undefined,
    });
    const batches = await Promise.all(Array.from({ length: 8 }, () => buildBatch({ records: makeRecords(3) })));
    const results = batches.map((b) => log.append(b, { acks: -1, deferFsync: true }));
    expect(results.map((r) => r.baseOffset)).toEqual([0n, 3n, 6n, 9n, 12n, 15n, 18n, 21n]);
    expect(log.segmentCount).toBeGreaterThan(1);
    await Promise.all(results.map((r) => r.durable));
    expect(results.every((r) => r.durable instanceof Promise)).toBe(true);
    expect(log.append(await buildBatch({ records: makeRecords(1) }), { acks: 1, deferFsync: true }).durable).toBeUndefined();
    const pending = log.append(await buildBatch({ records: makeRecords(1) }), { acks: -1, deferFsync: true }).durable;
    log.close();
    await expect(pending).resolves.toBeUndefined();
    removeDir(path.dirname(dir));
  });
});
