import { crc32c } from '@node-rs/crc32';
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
} from './record-batch-layout';

/**
 * A zero-copy view of one v2 record batch header at `position` in `buffer`. Getters read the bytes each time, so
 * one view can be re-pointed (`at`) while walking many batches without allocating.
 */
export class RecordBatchView {
  constructor(
    public buffer: Buffer,
    public position = 0,
  ) {}

  at(buffer: Buffer, position: number): this {
    this.buffer = buffer;
    this.position = position;
    return this;
  }

  get baseOffset(): bigint {
    return this.buffer.readBigInt64BE(this.position + BASE_OFFSET_OFFSET);
  }
  /** baseOffset as a number (exact below 2^53), without allocating a BigInt: hot in log scans. */
  get baseOffsetNumber(): number {
    return readInt64AsNumber(this.buffer, this.position + BASE_OFFSET_OFFSET);
  }
  get batchLength(): number {
    return this.buffer.readInt32BE(this.position + BATCH_LENGTH_OFFSET);
  }
  /** Total bytes of this batch including the baseOffset and batchLength fields. */
  get sizeInBytes(): number {
    return LOG_OVERHEAD + this.batchLength;
  }
  get partitionLeaderEpoch(): number {
    return this.buffer.readInt32BE(this.position + PARTITION_LEADER_EPOCH_OFFSET);
  }
  get magic(): number {
    return this.buffer.readInt8(this.position + MAGIC_OFFSET);
  }
  get crc(): number {
    return this.buffer.readUInt32BE(this.position + CRC_OFFSET);
  }
  get attributes(): number {
    return this.buffer.readInt16BE(this.position + ATTRIBUTES_OFFSET);
  }
  get compressionCodec(): number {
    return this.attributes & COMPRESSION_CODEC_MASK;
  }
  get isLogAppendTime(): boolean {
    return (this.attributes & TIMESTAMP_TYPE_MASK) !== 0;
  }
  get isTransactional(): boolean {
    return (this.attributes & TRANSACTIONAL_FLAG_MASK) !== 0;
  }
  get isControl(): boolean {
    return (this.attributes & CONTROL_FLAG_MASK) !== 0;
  }
  get lastOffsetDelta(): number {
    return this.buffer.readInt32BE(this.position + LAST_OFFSET_DELTA_OFFSET);
  }
  get baseTimestamp(): bigint {
    return this.buffer.readBigInt64BE(this.position + BASE_TIMESTAMP_OFFSET);
  }
  get maxTimestamp(): bigint {
    return this.buffer.readBigInt64BE(this.position + MAX_TIMESTAMP_OFFSET);
  }
  get maxTimestampNumber(): number {
    return readInt64AsNumber(this.buffer, this.position + MAX_TIMESTAMP_OFFSET);
  }
  /** True for idempotent/transactional batches (producerId >= 0), read from the high word only. */
  get hasProducerId(): boolean {
    return this.buffer.readInt32BE(this.position + PRODUCER_ID_OFFSET) >= 0;
  }
  get producerId(): bigint {
    return this.buffer.readBigInt64BE(this.position + PRODUCER_ID_OFFSET);
  }
  get producerEpoch(): number {
    return this.buffer.readInt16BE(this.position + PRODUCER_EPOCH_OFFSET);
  }
  get baseSequence(): number {
    return this.buffer.readInt32BE(this.position + BASE_SEQUENCE_OFFSET);
  }
  get recordCount(): number {
    return this.buffer.readInt32BE(this.position + RECORD_COUNT_OFFSET);
  }
  /** Last sequence number, wrapping past int32 max as Kafka's DefaultRecordBatch.incrementSequence does. */
  get lastSequence(): number {
    return incrementSequence(this.baseSequence, this.lastOffsetDelta);
  }

  /** CRC-32C over attributes..end, compared with the stored CRC. The caller guarantees the batch is in bounds. */
  isCrcValid(): boolean {
    const start = this.position + ATTRIBUTES_OFFSET;
    const end = this.position + this.sizeInBytes;
    return crc32c(this.buffer.subarray(start, end)) === this.crc;
  }

  /** Offsets live outside the CRC, so assigning them never invalidates the batch. */
  setBaseOffset(offset: bigint): void {
    this.buffer.writeBigInt64BE(offset, this.position + BASE_OFFSET_OFFSET);
  }
  setPartitionLeaderEpoch(epoch: number): void {
    this.buffer.writeInt32BE(epoch, this.position + PARTITION_LEADER_EPOCH_OFFSET);
  }
}

function readInt64AsNumber(buffer: Buffer, at: number): number {
  return buffer.readInt32BE(at) * 0x100000000 + buffer.readUInt32BE(at + 4);
}

export function incrementSequence(sequence: number, increment: number): number {
  const INT32_MAX = 0x7fffffff;
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}
