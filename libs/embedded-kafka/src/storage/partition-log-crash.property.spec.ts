import * as fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RecordBatchIterator } from '../records';
import { buildBatch, makeRecords } from '../test-support/kafkajs-batch-builder';
import { DEFAULT_LOG_CONFIG, LogConfig } from './log-config';
import { PartitionLog } from './partition-log';
import { batchesOf, makeTempDir, removeDir } from '../test-support/storage-helpers';

function openLog(dir: string, config: Partial<LogConfig>): PartitionLog {
  return PartitionLog.open({
    dir,
    topic: 't',
    partition: 0,
    config: { ...DEFAULT_LOG_CONFIG, fsync: 'os', ...config },
    onAppended: () => undefined,
  });
}

describe('PartitionLog crash property', () => {
  let pool: Buffer[];
  beforeAll(async () => {
    pool = [];
    for (let n = 1; n <= 6; n++) {
      pool.push(await buildBatch({ records: makeRecords(n, `p${n}`) }));
      pool.push(await buildBatch({ records: makeRecords(n, `g${n}`), compression: 'gzip' }));
    }
  });

  it('after a cut at any byte of the active segment, keeps exactly the whole batches before it and serves every offset', () => {
    fc.assert(
      fc.property(
        fc.record({
          segmentBytes: fc.integer({ min: 250, max: 2500 }),
          indexIntervalBytes: fc.integer({ min: 0, max: 600 }),
          appends: fc.array(fc.nat({ max: 11 }), { minLength: 1, maxLength: 40 }),
          cutFraction: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        ({ segmentBytes, indexIntervalBytes, appends, cutFraction }) => {
          const root = makeTempDir('prop');
          const dir = path.join(root, 't-0');
          try {
            const config = { segmentBytes, indexIntervalBytes };
            const log = openLog(dir, config);
            const countByBase = new Map<number, number>();
            for (const i of appends) {
              const result = log.append(Buffer.from(pool[i]), { acks: 1 });
              countByBase.set(Number(result.baseOffset), new RecordBatchIterator(pool[i]).next().value!.recordCount);
            }
            // Crash: no close; then tear the active segment at an arbitrary byte.
            const active = fs
              .readdirSync(dir)
              .filter((f) => f.endsWith('.log'))
              .sort()
              .pop()!;
            const activePath = path.join(dir, active);
            const original = fs.readFileSync(activePath);
            const cut = Math.floor(original.length * cutFraction);
            fs.truncateSync(activePath, cut);
            let expectedEnd = Number(active.slice(0, 20));
            const iterator = new RecordBatchIterator(original);
            for (const batch of iterator) {
              if (batch.position + batch.sizeInBytes > cut) break;
              expectedEnd = Number(batch.baseOffset) + batch.lastOffsetDelta + 1;
            }

            const reopened = openLog(dir, config);
            expect(reopened.logEndOffset).toBe(expectedEnd);
            for (let offset = reopened.logStartOffset; offset < reopened.logEndOffset; offset++) {
              const [batch] = batchesOf(reopened.read(BigInt(offset), 1).records);
              if (
                !(batch.baseOffset <= offset && offset < batch.baseOffset + batch.count) ||
                countByBase.get(batch.baseOffset) !== batch.count
              ) {
                throw new Error(`offset ${offset} read ${JSON.stringify(batch)}`);
              }
            }
            expect(reopened.append(Buffer.from(pool[0]), { acks: -1 }).baseOffset).toBe(BigInt(expectedEnd));
            reopened.close();
            expect(openLog(dir, config).logEndOffset).toBe(expectedEnd + 1);
          } finally {
            removeDir(root);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
