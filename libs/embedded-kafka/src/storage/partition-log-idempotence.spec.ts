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

const PID = 4000n;
const send = (log: PartitionLog, epoch: number, firstSequence: number, count = 2) =>
  buildBatch({ records: makeRecords(count), producerId: PID, producerEpoch: epoch, firstSequence }).then((b) =>
    log.append(b, { acks: -1 }),
  );

describe('PartitionLog idempotent producers', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(makeTempDir('idem'), 't-0');
  });
  afterEach(() => removeDir(path.dirname(dir)));

  it('answers a duplicate with the original base offset and appends nothing', async () => {
    const log = openLog(dir);
    expect((await send(log, 0, 0)).baseOffset).toBe(0n);
    expect((await send(log, 0, 2)).baseOffset).toBe(2n);
    const duplicate = await send(log, 0, 0);
    expect(duplicate).toEqual({ errorCode: 0, baseOffset: 0n, logAppendTimeMs: -1n, logStartOffset: 0n });
    expect((await send(log, 0, 2)).baseOffset).toBe(2n);
    expect(log.logEndOffset).toBe(4);
    log.close();
  });

  it('rejects a sequence gap with OUT_OF_ORDER_SEQUENCE_NUMBER', async () => {
    const log = openLog(dir);
    await send(log, 0, 0);
    const gap = await send(log, 0, 5);
    expect(gap.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(gap.errorMessage).toMatch(/Out of order sequence number/);
    expect(log.logEndOffset).toBe(2);
    log.close();
  });

  it('fences an older epoch and requires a new epoch to start at sequence 0', async () => {
    const log = openLog(dir);
    await send(log, 0, 0);
    expect((await send(log, 1, 3)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await send(log, 1, 0)).errorCode).toBe(ErrorCode.NONE);
    expect((await send(log, 0, 2)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(log.logEndOffset).toBe(4);
    log.close();
  });

  it('accepts any first sequence from a producer it has no state for, as Kafka does', async () => {
    const log = openLog(dir);
    expect((await send(log, 0, 17)).errorCode).toBe(ErrorCode.NONE);
    expect((await send(log, 0, 19)).errorCode).toBe(ErrorCode.NONE);
    log.close();
  });

  it('remembers only the last five batches', async () => {
    const log = openLog(dir);
    for (let i = 0; i < 6; i++) await send(log, 0, i * 2);
    expect((await send(log, 0, 2)).baseOffset).toBe(2n);
    expect((await send(log, 0, 0)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    log.close();
  });

  it.each([
    ['in the active segment', {}],
    ['across rolled segments, from the roll snapshot', { segmentBytes: 400 }],
  ])('still catches duplicates, gaps and stale epochs after a crash (%s)', async (_label, overrides) => {
    let log = openLog(dir, overrides);
    for (let i = 0; i < 6; i++) await send(log, 1, i * 2);
    // Crash: no close.
    log = openLog(dir, overrides);
    expect((await send(log, 1, 10)).baseOffset).toBe(10n);
    expect((await send(log, 1, 4)).baseOffset).toBe(4n);
    expect((await send(log, 1, 14)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await send(log, 0, 0)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await send(log, 1, 12)).baseOffset).toBe(12n);
    log.close();
  });

  it('replays the whole log when the producer snapshots are gone', async () => {
    let log = openLog(dir, { segmentBytes: 400 });
    for (let i = 0; i < 6; i++) await send(log, 1, i * 2);
    log.close();
    expect(fs.readdirSync(dir).some((f) => f.endsWith('.snapshot'))).toBe(true);
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.snapshot'))) fs.rmSync(path.join(dir, f));
    log = openLog(dir, { segmentBytes: 400 });
    expect((await send(log, 1, 6)).baseOffset).toBe(6n);
    expect((await send(log, 1, 14)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    log.close();
  });
});
