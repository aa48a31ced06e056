import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBatch, makeRecords } from '../test-support/kafkajs-batch-builder';
import { DEFAULT_LOG_CONFIG, LogConfig } from './log-config';
import { PartitionLog } from './partition-log';
import { ErrorCode } from '../protocol/error-codes';
import { makeTempDir, removeDir } from '../test-support/storage-helpers';

function openLog(dir: string, overrides: Partial<LogConfig> = {}): PartitionLog {
  return PartitionLog.open({
    dir,
    topic: 't',
    partition: 0,
    config: { ...DEFAULT_LOG_CONFIG, fsync: 'os', ...overrides },
    onAppended: () => undefined,
  });
}

const DAY = 24 * 60 * 60 * 1000;
const NOW = 1_750_000_000_000;

describe('PartitionLog retention', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(makeTempDir('retention'), 't-0');
  });
  afterEach(() => removeDir(path.dirname(dir)));

  it('deletes whole segments older than retention.ms and advances the log start offset', async () => {
    const log = openLog(dir, { segmentBytes: 500, retentionMs: 7 * DAY });
    for (let i = 0; i < 10; i++) log.append(await buildBatch({ records: makeRecords(3, 'old', NOW - 10 * DAY) }), { acks: 1 });
    const firstNewOffset = log.logEndOffset;
    for (let i = 0; i < 10; i++) log.append(await buildBatch({ records: makeRecords(3, 'new', NOW - DAY) }), { acks: 1 });
    const segmentsBefore = log.segmentCount;
    expect(log.enforceRetention(NOW)).toBeGreaterThan(0);
    expect(log.segmentCount).toBeLessThan(segmentsBefore);
    expect(log.logStartOffset).toBeGreaterThan(0);
    expect(log.logStartOffset).toBeLessThanOrEqual(firstNewOffset);
    expect(log.read(0n, 100).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(log.read(BigInt(log.logStartOffset), 100).records.length).toBeGreaterThan(0);
    expect(log.offsetForTimestamp(-2n)).toEqual({ offset: BigInt(log.logStartOffset), timestamp: -1n });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.log'))).toHaveLength(log.segmentCount);
    // Survives a restart: the log start offset is the first remaining segment.
    const start = log.logStartOffset;
    log.close();
    expect(openLog(dir).logStartOffset).toBe(start);
  });

  it('never deletes the active segment, even when everything is expired', async () => {
    const log = openLog(dir, { segmentBytes: 500, retentionMs: DAY });
    for (let i = 0; i < 10; i++) log.append(await buildBatch({ records: makeRecords(3, 'old', NOW - 10 * DAY) }), { acks: 1 });
    log.enforceRetention(NOW);
    expect(log.segmentCount).toBe(1);
    expect(log.logStartOffset).toBeLessThan(log.logEndOffset);
    log.close();
  });

  it('deletes the oldest segments while the log is over retention.bytes', async () => {
    const log = openLog(dir, { segmentBytes: 500, retentionMs: -1, retentionBytes: 1200 });
    for (let i = 0; i < 20; i++) log.append(await buildBatch({ records: makeRecords(3, 'x', NOW) }), { acks: 1 });
    const before = log.sizeInBytes;
    expect(before).toBeGreaterThan(1200);
    log.enforceRetention(NOW);
    expect(log.sizeInBytes).toBeLessThanOrEqual(before);
    expect(log.sizeInBytes).toBeGreaterThanOrEqual(1200 - 500);
    expect(log.sizeInBytes - 500).toBeLessThan(1200);
    expect(log.logStartOffset).toBeGreaterThan(0);
    log.close();
  });
});

describe('PartitionLog segment.ms', () => {
  it('rolls a non-empty active segment once it is older than segment.ms', async () => {
    const dir = path.join(makeTempDir('segms'), 't-0');
    const log = openLog(dir, { segmentMs: 5 });
    log.append(await buildBatch({ records: makeRecords(1) }), { acks: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    log.append(await buildBatch({ records: makeRecords(1) }), { acks: 1 });
    expect(log.segmentCount).toBe(2);
    log.close();
    removeDir(path.dirname(dir));
  });
});

describe('PartitionLog offsetForTimestamp', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(makeTempDir('timestamps'), 't-0');
  });
  afterEach(() => removeDir(path.dirname(dir)));

  it('finds the first record at or after a timestamp, across segments and codecs', async () => {
    const log = openLog(dir, { segmentBytes: 600, indexIntervalBytes: 100 });
    // Batch i holds 4 records stamped NOW + i*1000 + 0/100/200/300.
    for (let i = 0; i < 12; i++) {
      const records = [0, 100, 200, 300].map((d, j) => ({ value: `v${i}-${j}`, timestamp: NOW + i * 1000 + d }));
      log.append(await buildBatch({ records, compression: i % 2 ? 'gzip' : 'none' }), { acks: 1 });
    }
    expect(log.segmentCount).toBeGreaterThan(2);
    for (const i of [0, 3, 7, 11]) {
      expect(log.offsetForTimestamp(BigInt(NOW + i * 1000 + 150))).toEqual({
        offset: BigInt(i * 4 + 2),
        timestamp: BigInt(NOW + i * 1000 + 200),
      });
      expect(log.offsetForTimestamp(BigInt(NOW + i * 1000 - 500))).toEqual({ offset: BigInt(i * 4), timestamp: BigInt(NOW + i * 1000) });
    }
    expect(log.offsetForTimestamp(BigInt(NOW - 5))).toEqual({ offset: 0n, timestamp: BigInt(NOW) });
    expect(log.offsetForTimestamp(BigInt(NOW + 99_000))).toBeUndefined();
    expect(log.offsetForTimestamp(-1n)).toEqual({ offset: 48n, timestamp: -1n });
    expect(log.offsetForTimestamp(-2n)).toEqual({ offset: 0n, timestamp: -1n });
    expect(log.offsetForTimestamp(-3n)).toEqual({ offset: 47n, timestamp: BigInt(NOW + 11_300) });
    log.close();
    const reopened = openLog(dir, { segmentBytes: 600, indexIntervalBytes: 100 });
    expect(reopened.offsetForTimestamp(BigInt(NOW + 3150))).toEqual({ offset: 14n, timestamp: BigInt(NOW + 3200) });
    reopened.close();
  });
});
