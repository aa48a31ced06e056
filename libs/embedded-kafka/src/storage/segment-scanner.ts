// Direct module imports: re-exports through an index compile to getters, which cost in a per-batch loop.
import { checkBatchFraming } from '../records/record-batch-iterator';
import { BATCH_HEADER_SIZE, BATCH_LENGTH_OFFSET, LOG_OVERHEAD } from '../records/record-batch-layout';
import { RecordBatchView } from '../records/record-batch-view';
import { readFullySync } from './atomic-file';

const CHUNK_BYTES = 1024 * 1024;

export interface ScanResult {
  /** File position just past the last sound batch. */
  validEnd: number;
  /** Why the scan stopped before `end`, if it did. */
  problem?: string;
  /** True when `visit` asked to stop; `validEnd` is then the position of the batch it stopped at. */
  stopped?: boolean;
}

/**
 * Walks the batches of a segment file from `start` to `end` in 1 MiB reads, calling `visit` with a view of each
 * batch header and its file position. With `verifyCrc` every batch is read whole and its CRC-32C checked (recovery);
 * without it only headers are needed (index rebuild, producer-state replay). `visit` returns false to stop early.
 */
export function scanSegment(
  fd: number,
  start: number,
  end: number,
  verifyCrc: boolean,
  visit: (batch: RecordBatchView, filePosition: number) => boolean | void,
  chunkBytes = CHUNK_BYTES,
): ScanResult {
  let buffer = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(end - start, BATCH_HEADER_SIZE)));
  let bufferStart = 0;
  let bufferLength = 0;
  const view = new RecordBatchView(buffer);

  const fill = (position: number, wanted: number): void => {
    const length = Math.min(Math.max(wanted, chunkBytes), end - position);
    if (buffer.length < length) buffer = Buffer.allocUnsafe(length);
    bufferStart = position;
    bufferLength = readFullySync(fd, buffer, 0, length, position);
  };

  let position = start;
  while (position < end) {
    if (position + BATCH_HEADER_SIZE > bufferStart + bufferLength || position < bufferStart) {
      fill(position, BATCH_HEADER_SIZE);
    }
    let at = position - bufferStart;
    // Framing is checked against the file end, not the buffer end: a header-only scan never needs the whole batch.
    const available = bufferLength - at;
    if (available < BATCH_HEADER_SIZE) return { validEnd: position, problem: `truncated batch header at position ${position}` };
    const size = LOG_OVERHEAD + buffer.readInt32BE(at + BATCH_LENGTH_OFFSET);
    const framing = checkBatchFraming(buffer, at, at + Math.min(end - position, Math.max(size, BATCH_HEADER_SIZE)));
    if (framing) return { validEnd: position, problem: `${framing} at position ${position}` };
    if (verifyCrc) {
      if (at + size > bufferLength) {
        fill(position, size);
        at = 0;
      }
      if (!view.at(buffer, at).isCrcValid()) return { validEnd: position, problem: `CRC mismatch at position ${position}` };
    }
    if (visit(view.at(buffer, at), position) === false) return { validEnd: position, stopped: true };
    position += size;
  }
  return { validEnd: position };
}
