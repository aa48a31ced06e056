/* Test support: builds record batches with kafkajs's own encoder, so specs exercise real client bytes. */
/* eslint-disable @typescript-eslint/no-require-imports */
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (args: Record<string, unknown>) => Promise<{ buffer: Buffer }>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (args: Record<string, unknown>) => unknown;
const Long = require('kafkajs/src/utils/long') as { fromValue(v: unknown): unknown };
/* eslint-enable @typescript-eslint/no-require-imports */

export interface TestRecord {
  key?: string | null;
  value: string | Buffer | null;
  timestamp?: number;
  headers?: Record<string, string>;
}

export interface TestBatchOptions {
  records: TestRecord[];
  compression?: 'none' | 'gzip';
  producerId?: bigint;
  producerEpoch?: number;
  firstSequence?: number;
  transactional?: boolean;
  /** Timestamp of the first record and default for the others. */
  firstTimestamp?: number;
}

/** One v2 record batch exactly as kafkajs 2.2.4 puts it on the wire (baseOffset 0). */
export async function buildBatch(opts: TestBatchOptions): Promise<Buffer> {
  const firstTimestamp = opts.firstTimestamp ?? opts.records[0]?.timestamp ?? Date.now();
  const timestamps = opts.records.map((r) => r.timestamp ?? firstTimestamp);
  const records = opts.records.map((r, i) =>
    Record({
      offsetDelta: i,
      timestampDelta: timestamps[i] - firstTimestamp,
      key: r.key === undefined || r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      headers: r.headers ?? {},
    }),
  );
  const encoder = await RecordBatch({
    compression: opts.compression === 'gzip' ? 1 : 0,
    firstTimestamp,
    maxTimestamp: Math.max(...timestamps),
    lastOffsetDelta: opts.records.length - 1,
    transactional: opts.transactional ?? false,
    producerId: Long.fromValue(opts.producerId ?? -1n),
    producerEpoch: opts.producerEpoch ?? 0,
    firstSequence: opts.firstSequence ?? 0,
    records,
  });
  return Buffer.from(encoder.buffer);
}

/** `count` records with values `${prefix}-${i}`. */
export function makeRecords(count: number, prefix = 'value', timestamp?: number): TestRecord[] {
  return Array.from({ length: count }, (_, i) => ({ key: `key-${i}`, value: `${prefix}-${i}`, timestamp }));
}
