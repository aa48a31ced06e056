import * as fs from 'node:fs';
import * as path from 'node:path';
import { BATCH_LENGTH_OFFSET, LOG_OVERHEAD } from '../records/record-batch-layout';
import type { RecordBatchView } from '../records/record-batch-view';
import { readFullySync, writeFullySync } from './atomic-file';
import { scanSegment } from './segment-scanner';
import { OFFSET_INDEX_LAYOUT, SparseIndex, TIME_INDEX_LAYOUT } from './sparse-index';

/** One batch of an append, already validated and given its offsets. */
export interface AppendedBatch {
  /** Where the batch starts inside the appended buffer. */
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

/** A batch located in a segment file. */
export interface LocatedBatch {
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

/** Lookups walk at most ~one index interval of headers from an index entry; a small read covers that. */
const LOOKUP_CHUNK_BYTES = 16 * 1024;

export function segmentFileName(baseOffset: number, extension: string): string {
  return `${String(baseOffset).padStart(20, '0')}${extension}`;
}

/**
 * One segment of a partition log: `<baseOffset>.log` holding batches exactly as stored, a sparse `.index`
 * (relative base offset -> file position, one entry per indexIntervalBytes) and a `.timeindex`
 * (max timestamp so far -> relative offset), both kept in memory.
 */
export class LogSegment {
  size = 0;
  nextOffset: number;
  maxTimestamp = -1;
  private offsetOfMaxTimestamp = -1;
  /**
   * When the segment file was created, for segment.ms rolling. Kafka rolls on the first batch's timestamp, which
   * rolls on every append when producers send old timestamps; the file's age has no such trap.
   */
  createdMs = Date.now();
  /** Stands in for the max timestamp when no batch carries one, as Kafka uses the file's mtime. */
  private lastModifiedMs = Date.now();
  private bytesSinceIndexEntry = 0;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private fd: number,
    private readonly offsetIndex: SparseIndex,
    private readonly timeIndex: SparseIndex,
    private readonly indexIntervalBytes: number,
  ) {
    this.nextOffset = baseOffset;
  }

  get logPath(): string {
    return path.join(this.dir, segmentFileName(this.baseOffset, '.log'));
  }

  static create(dir: string, baseOffset: number, indexIntervalBytes: number): LogSegment {
    const fd = fs.openSync(path.join(dir, segmentFileName(baseOffset, '.log')), 'w+');
    const offsetIndex = new SparseIndex(path.join(dir, segmentFileName(baseOffset, '.index')), OFFSET_INDEX_LAYOUT);
    const timeIndex = new SparseIndex(path.join(dir, segmentFileName(baseOffset, '.timeindex')), TIME_INDEX_LAYOUT);
    offsetIndex.rewrite();
    timeIndex.rewrite();
    return new LogSegment(dir, baseOffset, fd, offsetIndex, timeIndex, indexIntervalBytes);
  }

  /**
   * Opens the active (last) segment: every batch is walked and (unless the broker shut down cleanly) CRC-checked,
   * the indexes are rebuilt from what is sound, and a torn or corrupt tail is cut off (file and indexes). The whole
   * segment is walked rather than from the last index entry because producer state needs its headers anyway and
   * CRC-32C runs at GB/s. `visit` sees each surviving batch header. Returns why the tail was cut, if it was.
   */
  static recover(
    dir: string,
    baseOffset: number,
    indexIntervalBytes: number,
    verifyCrc: boolean,
    visit: (batch: RecordBatchView) => void,
  ): { segment: LogSegment; truncation?: string } {
    const fd = fs.openSync(path.join(dir, segmentFileName(baseOffset, '.log')), 'r+');
    const fileSize = fs.fstatSync(fd).size;
    const offsetIndex = new SparseIndex(path.join(dir, segmentFileName(baseOffset, '.index')), OFFSET_INDEX_LAYOUT);
    const timeIndex = new SparseIndex(path.join(dir, segmentFileName(baseOffset, '.timeindex')), TIME_INDEX_LAYOUT);
    const segment = new LogSegment(dir, baseOffset, fd, offsetIndex, timeIndex, indexIntervalBytes);
    const stat = fs.fstatSync(fd);
    segment.createdMs = stat.birthtimeMs > 0 ? stat.birthtimeMs : stat.mtimeMs;
    segment.lastModifiedMs = stat.mtimeMs;
    let discontinuity: string | undefined;
    const result = scanSegment(fd, 0, fileSize, verifyCrc, (batch, position) => {
      const base = batch.baseOffsetNumber;
      // Offsets are dense: a batch that does not continue the log is debris from something else, not our data.
      if (base !== segment.nextOffset) {
        discontinuity = `batch at position ${position} has base offset ${base}, expected ${segment.nextOffset}`;
        return false;
      }
      segment.track(position, batch.sizeInBytes, base, base + batch.lastOffsetDelta, batch.maxTimestampNumber);
      visit(batch);
      return true;
    });
    let truncation: string | undefined;
    if (result.validEnd < fileSize) {
      truncation = `${result.problem ?? discontinuity ?? 'trailing bytes'}; dropped ${fileSize - result.validEnd} bytes`;
      fs.ftruncateSync(fd, result.validEnd);
      fs.fdatasyncSync(fd);
    }
    segment.size = result.validEnd;
    offsetIndex.rewrite();
    timeIndex.rewrite();
    return { segment, truncation };
  }

  /**
   * Opens an older, already-flushed segment ending at `nextOffset`: indexes are loaded and sanity-checked against
   * the log, and rebuilt from batch headers when missing or inconsistent. The bytes after the last index entry are
   * walked to learn the exact max timestamp.
   */
  static openInactive(dir: string, baseOffset: number, nextOffset: number, indexIntervalBytes: number): LogSegment {
    const fd = fs.openSync(path.join(dir, segmentFileName(baseOffset, '.log')), 'r');
    const fileSize = fs.fstatSync(fd).size;
    const offsetPath = path.join(dir, segmentFileName(baseOffset, '.index'));
    const timePath = path.join(dir, segmentFileName(baseOffset, '.timeindex'));
    let offsetIndex = SparseIndex.load(offsetPath, OFFSET_INDEX_LAYOUT);
    let timeIndex = SparseIndex.load(timePath, TIME_INDEX_LAYOUT);
    const consistent =
      offsetIndex !== null &&
      timeIndex !== null &&
      LogSegment.indexMatchesLog(fd, fileSize, baseOffset, offsetIndex) &&
      (timeIndex.count === 0 || (timeIndex.lastValue as number) < nextOffset - baseOffset);
    if (!consistent) {
      offsetIndex = new SparseIndex(offsetPath, OFFSET_INDEX_LAYOUT);
      timeIndex = new SparseIndex(timePath, TIME_INDEX_LAYOUT);
    }
    const segment = new LogSegment(dir, baseOffset, fd, offsetIndex as SparseIndex, timeIndex as SparseIndex, indexIntervalBytes);
    segment.size = fileSize;
    segment.lastModifiedMs = fs.fstatSync(fd).mtimeMs;
    segment.nextOffset = nextOffset;
    if (consistent) {
      segment.adoptTimeIndexMax();
      const tailStart = offsetIndex!.count > 0 ? (offsetIndex!.lastValue as number) : 0;
      scanSegment(
        fd,
        tailStart,
        fileSize,
        false,
        (batch) => {
          const ts = batch.maxTimestampNumber;
          if (ts > segment.maxTimestamp) segment.maxTimestamp = ts;
          return true;
        },
        LOOKUP_CHUNK_BYTES,
      );
    } else {
      scanSegment(fd, 0, fileSize, false, (batch, position) => {
        const base = batch.baseOffsetNumber;
        segment.track(position, batch.sizeInBytes, base, base + batch.lastOffsetDelta, batch.maxTimestampNumber);
      });
      segment.sealTimeIndex();
      segment.offsetIndex.rewrite();
      segment.timeIndex.rewrite();
      segment.offsetIndex.close();
      segment.timeIndex.close();
      segment.nextOffset = nextOffset;
    }
    return segment;
  }

  /** The last index entry must point at a batch header carrying the offset the entry claims. */
  private static indexMatchesLog(fd: number, fileSize: number, baseOffset: number, index: SparseIndex): boolean {
    if (index.count === 0) return true;
    const position = index.lastValue as number;
    if (position + LOG_OVERHEAD > fileSize) return false;
    const header = Buffer.alloc(8);
    readFullySync(fd, header, 0, 8, position);
    return Number(header.readBigInt64BE(0)) === baseOffset + (index.lastKey as number);
  }

  /** Writes a whole append (one or more batches) with one write, then the new index entries with one write each. */
  append(records: Buffer, batches: AppendedBatch[]): void {
    const startSize = this.size;
    try {
      writeFullySync(this.fd, records, startSize);
    } catch (error) {
      // Never leave half a request in the log: a later append would land after garbage.
      try {
        fs.ftruncateSync(this.fd, startSize);
      } catch {
        /* the original error is the one worth reporting */
      }
      throw error;
    }
    for (const b of batches) this.track(startSize + b.position, b.size, b.baseOffset, b.lastOffset, b.maxTimestamp);
    this.size = startSize + records.length;
    this.lastModifiedMs = Date.now();
    try {
      this.offsetIndex.flush();
      this.timeIndex.flush();
    } catch {
      // The batches are written and the in-memory indexes are right; the files are retried on the next flush and
      // rebuilt at start-up if they stay behind, so an index write error must not fail the append.
    }
  }

  /** Applies Kafka's indexing rule for one batch written at `position`; also the rule used to rebuild indexes. */
  private track(position: number, size: number, baseOffset: number, lastOffset: number, maxTimestamp: number): void {
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = baseOffset;
    }
    if (this.bytesSinceIndexEntry > this.indexIntervalBytes) {
      this.offsetIndex.append(baseOffset - this.baseOffset, position);
      this.maybeAppendTimeEntry();
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += size;
    this.nextOffset = lastOffset + 1;
  }

  /** What time retention compares with retention.ms. */
  get largestTimestamp(): number {
    return this.maxTimestamp >= 0 ? this.maxTimestamp : this.lastModifiedMs;
  }

  private maybeAppendTimeEntry(): void {
    const last = this.timeIndex.lastKey;
    if (this.maxTimestamp >= 0 && (last === undefined || this.maxTimestamp > last)) {
      this.timeIndex.append(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
    }
  }

  /** Records the final max timestamp, as Kafka does when a segment stops being active. */
  private sealTimeIndex(): void {
    this.maybeAppendTimeEntry();
  }

  private adoptTimeIndexMax(): void {
    if (this.timeIndex.count > 0) {
      this.maxTimestamp = this.timeIndex.lastKey as number;
      this.offsetOfMaxTimestamp = this.baseOffset + (this.timeIndex.lastValue as number);
    }
  }

  /** Flushes and fsyncs everything when the segment stops being the active one; it is read-only afterwards. */
  seal(): void {
    this.sealTimeIndex();
    this.offsetIndex.flush();
    this.timeIndex.flush();
    fs.fdatasyncSync(this.fd);
    this.offsetIndex.sync();
    this.timeIndex.sync();
    this.offsetIndex.close();
    this.timeIndex.close();
  }

  get fileDescriptor(): number {
    return this.fd;
  }

  sync(): void {
    fs.fdatasyncSync(this.fd);
  }

  /**
   * Finds the batch holding `offset`: binary search in the sparse index, then a short forward walk over headers.
   * Returns undefined when the offset is not in this segment.
   */
  locate(offset: number): LocatedBatch | undefined {
    if (offset < this.baseOffset || offset >= this.nextOffset) return undefined;
    const entry = this.offsetIndex.floor(offset - this.baseOffset);
    const start = entry < 0 ? 0 : this.offsetIndex.valueAt(entry);
    return this.walkFrom(start, (b) => b.lastOffset >= offset);
  }

  /** First batch whose max timestamp reaches `timestamp`, starting from the time index's hint. */
  locateTimestamp(timestamp: number): LocatedBatch | undefined {
    if (this.maxTimestamp < timestamp) return undefined;
    const entry = this.timeIndex.floor(timestamp, true);
    let start = 0;
    if (entry >= 0) {
      const located = this.locate(this.baseOffset + this.timeIndex.valueAt(entry));
      if (located) start = located.position;
    }
    return this.walkFrom(start, (b) => b.maxTimestamp >= timestamp);
  }

  private walkFrom(start: number, matches: (b: LocatedBatch) => boolean): LocatedBatch | undefined {
    let found: LocatedBatch | undefined;
    scanSegment(
      this.fd,
      start,
      this.size,
      false,
      (batch, position) => {
        const base = batch.baseOffsetNumber;
        const candidate = {
          position,
          size: batch.sizeInBytes,
          baseOffset: base,
          lastOffset: base + batch.lastOffsetDelta,
          maxTimestamp: batch.maxTimestampNumber,
        };
        if (!matches(candidate)) return true;
        found = candidate;
        return false;
      },
      LOOKUP_CHUNK_BYTES,
    );
    return found;
  }

  /** Reads whole batches from `position`: as many as fit in maxBytes, but always at least the first (KIP-74). */
  readFrom(first: LocatedBatch, maxBytes: number): Buffer {
    const length = Math.min(Math.max(maxBytes, first.size), this.size - first.position);
    const buffer = this.readBatchAt(first.position, length);
    let end = first.size;
    while (end + LOG_OVERHEAD <= buffer.length) {
      const next = end + LOG_OVERHEAD + buffer.readInt32BE(end + BATCH_LENGTH_OFFSET);
      if (next > buffer.length) break;
      end = next;
    }
    return end === buffer.length ? buffer : buffer.subarray(0, end);
  }

  readBatchAt(position: number, length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length);
    const read = readFullySync(this.fd, buffer, 0, length, position);
    return read === length ? buffer : buffer.subarray(0, read);
  }

  close(): void {
    this.offsetIndex.flush();
    this.timeIndex.flush();
    this.offsetIndex.close();
    this.timeIndex.close();
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  /** Closes and removes the segment's files (retention, topic deletion). */
  delete(): void {
    if (this.fd >= 0) this.close();
    for (const ext of ['.log', '.index', '.timeindex', '.snapshot']) {
      fs.rmSync(path.join(this.dir, segmentFileName(this.baseOffset, ext)), { force: true });
    }
  }
}
