import { BATCH_HEADER_SIZE, CURRENT_MAGIC, LOG_OVERHEAD, MAGIC_OFFSET, BATCH_LENGTH_OFFSET } from './record-batch-layout';
import { RecordBatchView } from './record-batch-view';

export type BatchFramingProblem = 'truncated-header' | 'invalid-length' | 'truncated-batch' | 'unsupported-magic';

/**
 * Checks that a whole v2 batch starts at `position` and ends by `end`, reading only the fixed header fields.
 * Returns null when the framing is sound; the CRC is a separate, costlier check.
 */
export function checkBatchFraming(buffer: Buffer, position: number, end: number): BatchFramingProblem | null {
  if (end - position < BATCH_HEADER_SIZE) return 'truncated-header';
  const batchLength = buffer.readInt32BE(position + BATCH_LENGTH_OFFSET);
  if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) return 'invalid-length';
  if (position + LOG_OVERHEAD + batchLength > end) return 'truncated-batch';
  if (buffer.readInt8(position + MAGIC_OFFSET) !== CURRENT_MAGIC) return 'unsupported-magic';
  return null;
}

/**
 * Walks concatenated batches (a produce request's `records` field, or a chunk of a segment). The same view object is
 * re-pointed at each batch, so callers must copy what they keep. Stops (without throwing) at the first batch whose
 * framing is broken; `problem` and `position` then say where and why.
 */
export class RecordBatchIterator implements IterableIterator<RecordBatchView> {
  private readonly view: RecordBatchView;
  position: number;
  problem: BatchFramingProblem | null = null;

  constructor(
    private readonly buffer: Buffer,
    start = 0,
    private readonly end = buffer.length,
  ) {
    this.position = start;
    this.view = new RecordBatchView(buffer, start);
  }

  next(): IteratorResult<RecordBatchView> {
    if (this.position >= this.end || this.problem) return { done: true, value: undefined };
    const problem = checkBatchFraming(this.buffer, this.position, this.end);
    if (problem) {
      this.problem = problem;
      return { done: true, value: undefined };
    }
    this.view.at(this.buffer, this.position);
    this.position += this.view.sizeInBytes;
    return { done: false, value: this.view };
  }

  [Symbol.iterator](): IterableIterator<RecordBatchView> {
    return this;
  }
}
