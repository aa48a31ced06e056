// Direct module imports: re-exports through an index compile to getters, which cost on this hot path.
import { RecordBatchIterator } from '../records/record-batch-iterator';
import type { RecordBatchView } from '../records/record-batch-view';
import type { AppendedBatch } from './log-segment';
import type { ProducerBatch } from './producer-state-manager';
import { ErrorCode } from '../protocol/error-codes';

export type ProduceValidation = { batches: AppendedBatch[]; producerBatches: ProducerBatch[] } | { errorCode: number; message: string };

/**
 * Checks a partition's produce `records` the way Kafka's ProduceRequest.validateRecords and LogValidator do, using
 * batch headers only (no per-record work, no decompression), and works out the offsets each batch would get.
 * Error codes follow Kafka: framing/CRC -> CORRUPT_MESSAGE, bad magic, counts, control batches or more than one
 * batch -> INVALID_RECORD, oversize -> MESSAGE_TOO_LARGE, transactional batches outside a transaction (we never
 * start one) -> INVALID_TXN_STATE as Kafka 3.6+ answers with transaction verification on.
 */
export function validateProduceBatches(
  records: Buffer,
  firstOffset: number,
  maxMessageBytes: number,
  singleBatch: boolean,
): ProduceValidation {
  const batches: AppendedBatch[] = [];
  const producerBatches: ProducerBatch[] = [];
  const iterator = new RecordBatchIterator(records);
  let nextOffset = firstOffset;
  for (const batch of iterator) {
    const size = batch.sizeInBytes;
    if (size > maxMessageBytes) {
      return {
        errorCode: ErrorCode.MESSAGE_TOO_LARGE,
        message: `The record batch size ${size} exceeds max.message.bytes ${maxMessageBytes}`,
      };
    }
    if (!batch.isCrcValid()) {
      return { errorCode: ErrorCode.CORRUPT_MESSAGE, message: `Record batch at position ${batch.position} is corrupt (CRC-32C mismatch)` };
    }
    const count = batch.recordCount;
    if (batch.lastOffsetDelta < 0 || count <= 0 || count !== batch.lastOffsetDelta + 1) {
      return {
        errorCode: ErrorCode.INVALID_RECORD,
        message: `Inconsistent batch: lastOffsetDelta ${batch.lastOffsetDelta} and record count ${count}`,
      };
    }
    if (batch.isControl) return { errorCode: ErrorCode.INVALID_RECORD, message: 'Clients are not allowed to write control records' };
    if (batch.producerId >= 0n && batch.baseSequence < 0) {
      return {
        errorCode: ErrorCode.INVALID_RECORD,
        message: `Invalid sequence number ${batch.baseSequence} in record batch with producerId ${batch.producerId}`,
      };
    }
    if (batch.isTransactional) {
      return {
        errorCode: ErrorCode.INVALID_TXN_STATE,
        message: 'Record was not part of an ongoing transaction (transactions are not supported)',
      };
    }
    const lastOffset = nextOffset + batch.lastOffsetDelta;
    batches.push({ position: batch.position, size, baseOffset: nextOffset, lastOffset, maxTimestamp: batch.maxTimestampNumber });
    const producerBatch = toProducerBatch(batch, nextOffset);
    if (producerBatch) producerBatches.push(producerBatch);
    nextOffset = lastOffset + 1;
  }
  if (iterator.problem === 'unsupported-magic') {
    return { errorCode: ErrorCode.INVALID_RECORD, message: 'Produce requests v3+ may only contain record batches with magic 2' };
  }
  if (iterator.problem) return { errorCode: ErrorCode.CORRUPT_MESSAGE, message: `Malformed record batch: ${iterator.problem}` };
  if (batches.length === 0)
    return { errorCode: ErrorCode.INVALID_RECORD, message: 'Produce requests must have at least one record batch per partition' };
  if (singleBatch && batches.length > 1) {
    return {
      errorCode: ErrorCode.INVALID_RECORD,
      message: 'Produce requests are only allowed to contain exactly one record batch per partition',
    };
  }
  return { batches, producerBatches };
}

/** The idempotence fields of a data batch, or null for non-idempotent and control batches. */
export function toProducerBatch(batch: RecordBatchView, firstOffset = batch.baseOffsetNumber): ProducerBatch | null {
  if (!batch.hasProducerId || batch.isControl) return null;
  return {
    producerId: batch.producerId,
    epoch: batch.producerEpoch,
    firstSeq: batch.baseSequence,
    lastSeq: batch.lastSequence,
    firstOffset,
    lastOffset: firstOffset + batch.lastOffsetDelta,
  };
}
