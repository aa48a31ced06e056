import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBatch, makeRecords } from '../test-support/kafkajs-batch-builder';
import { DEFAULT_LOG_CONFIG, LogConfig } from './log-config';
import { PartitionLog } from './partition-log';
import { batchesOf, makeTempDir, removeDir } from '../test-support/storage-helpers';

const warnings: Array<Record<string, unknown>> = [];
const logger = {
  warn: (obj: Record<string, unknown>) => warnings.push(obj),
  info: () => undefined,
  debug: () => undefined,
  error: () => undefined,
};

function openLog(dir: string, overrides: Partial<LogConfig> = {}): PartitionLog {
  return PartitionLog.open({
    dir,
    topic: 't',
    partition: 0,
    config: { ...DEFAULT_LOG_CONFIG, fsync: 'always', ...overrides },
    onAppended: () => undefined,
    logger: logger as never,
  });
}

describe('PartitionLog recovery at start-up', () => {
  let dir: string;
  let activeLog: string;
  let batchSizes: number[];

  beforeEach(async () => {
    warnings.length = 0;
    dir = path.join(makeTempDir('recover'), 't-0');
    const log = openLog(dir);
    batchSizes = [];
    for (let i = 0; i < 3; i++) {
      const batch = await buildBatch({ records: makeRecords(4, `r${i}`), compression: i === 1 ? 'gzip' : 'none' });
      batchSizes.push(batch.length);
      log.append(batch, { acks: -1 });
    }
    // No close(): the next open sees the files as a crashed broker left them.
    activeLog = path.join(dir, '00000000000000000000.log');
  });
  afterEach(() => removeDir(path.dirname(dir)));

  async function expectTruncatedToTwoBatchesThenAppendable(): Promise<void> {
    const log = openLog(dir);
    expect(log.logEndOffset).toBe(8);
    expect(fs.statSync(activeLog).size).toBe(batchSizes[0] + batchSizes[1]);
    expect(warnings).toHaveLength(1);
    expect(batchesOf(log.read(0n, 1 << 20).records)).toEqual([
      { baseOffset: 0, count: 4 },
      { baseOffset: 4, count: 4 },
    ]);
    expect(log.append(await buildBatch({ records: makeRecords(1) }), { acks: -1 }).baseOffset).toBe(8n);
    log.close();
    const reopened = openLog(dir);
    expect(reopened.logEndOffset).toBe(9);
    expect(batchesOf(reopened.read(8n, 1 << 20).records)).toEqual([{ baseOffset: 8, count: 1 }]);
    reopened.close();
  }

  it('keeps everything after a clean restart', () => {
    const log = openLog(dir);
    expect(log.logEndOffset).toBe(12);
    expect(warnings).toHaveLength(0);
    log.close();
  });

  it('truncates a batch torn in the middle', async () => {
    fs.truncateSync(activeLog, fs.statSync(activeLog).size - 7);
    await expectTruncatedToTwoBatchesThenAppendable();
  });

  it('truncates a batch torn inside its header', async () => {
    fs.truncateSync(activeLog, batchSizes[0] + batchSizes[1] + 20);
    await expectTruncatedToTwoBatchesThenAppendable();
  });

  it('truncates the last batch when a byte of it flipped (CRC-32C mismatch)', async () => {
    const fd = fs.openSync(activeLog, 'r+');
    const at = batchSizes[0] + batchSizes[1] + batchSizes[2] - 3;
    const byte = Buffer.alloc(1);
    fs.readSync(fd, byte, 0, 1, at);
    byte[0] ^= 0x40;
    fs.writeSync(fd, byte, 0, 1, at);
    fs.closeSync(fd);
    await expectTruncatedToTwoBatchesThenAppendable();
  });

  it('truncates zero-filled garbage after the last batch', async () => {
    fs.appendFileSync(activeLog, Buffer.alloc(4096));
    fs.truncateSync(activeLog, batchSizes[0] + batchSizes[1]);
    fs.appendFileSync(activeLog, Buffer.alloc(100));
    await expectTruncatedToTwoBatchesThenAppendable();
  });

  it('truncates a sound batch that does not continue the offsets (debris, not our data)', async () => {
    const bytes = fs.readFileSync(activeLog);
    fs.truncateSync(activeLog, batchSizes[0] + batchSizes[1]);
    fs.appendFileSync(activeLog, bytes.subarray(0, batchSizes[0]));
    await expectTruncatedToTwoBatchesThenAppendable();
  });
});
