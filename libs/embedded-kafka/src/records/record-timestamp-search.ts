import { gunzipSync } from 'node:zlib';
import { RECORDS_OFFSET } from './record-batch-layout';
import { RecordBatchView } from './record-batch-view';

const CODEC_NONE = 0;
const CODEC_GZIP = 1;

/**
 * Finds the first record of a whole batch whose timestamp is >= `timestamp` (ListOffsets by time), reading each
 * record's varint length, attributes and timestamp delta only. Uncompressed and gzip batches are searched exactly;
 * for other codecs (no decoder in core Node) it returns null and the caller falls back to the batch's base offset.
 */
export function findFirstRecordAtOrAfter(batch: Buffer, timestamp: bigint): { offset: bigint; timestamp: bigint } | null {
  const view = new RecordBatchView(batch, 0);
  let records: Buffer;
  const codec = view.compressionCodec;
  if (codec === CODEC_NONE) records = batch.subarray(RECORDS_OFFSET, view.sizeInBytes);
  else if (codec === CODEC_GZIP) records = gunzipSync(batch.subarray(RECORDS_OFFSET, view.sizeInBytes));
  else return null;
  const baseTimestamp = view.baseTimestamp;
  const baseOffset = view.baseOffset;
  const cursor = { at: 0 };
  for (let i = 0; i < view.recordCount && cursor.at < records.length; i++) {
    const length = readVarint(records, cursor);
    const next = cursor.at + length;
    cursor.at += 1; // attributes
    const recordTimestamp = baseTimestamp + BigInt(readVarint(records, cursor));
    const offsetDelta = readVarint(records, cursor);
    if (recordTimestamp >= timestamp) return { offset: baseOffset + BigInt(offsetDelta), timestamp: recordTimestamp };
    cursor.at = next;
  }
  return null;
}

/** Zig-zag varint/varlong as in Kafka's ByteUtils, in float arithmetic so 64-bit deltas up to 2^53 stay exact. */
function readVarint(buffer: Buffer, cursor: { at: number }): number {
  let value = 0;
  let multiplier = 1;
  for (;;) {
    if (cursor.at >= buffer.length) throw new RangeError('varint runs past the end of the records');
    const byte = buffer[cursor.at++];
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) break;
    multiplier *= 128;
  }
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}
