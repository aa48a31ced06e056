/**
 * Record batch v2 (magic 2) header layout, as in Kafka's DefaultRecordBatch:
 *
 *   baseOffset: int64 | batchLength: int32 | partitionLeaderEpoch: int32 | magic: int8 | crc: uint32 |
 *   attributes: int16 | lastOffsetDelta: int32 | baseTimestamp: int64 | maxTimestamp: int64 |
 *   producerId: int64 | producerEpoch: int16 | baseSequence: int32 | recordCount: int32 | records...
 *
 * batchLength counts the bytes after the batchLength field. The CRC-32C covers attributes..end, so the broker may
 * rewrite baseOffset and partitionLeaderEpoch in place without touching the CRC.
 */
export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORD_COUNT_OFFSET = 57;
export const RECORDS_OFFSET = 61;

/** Bytes before batchLength's payload starts: baseOffset + batchLength. */
export const LOG_OVERHEAD = 12;
export const BATCH_HEADER_SIZE = RECORDS_OFFSET;
export const CURRENT_MAGIC = 2;

export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;

export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
