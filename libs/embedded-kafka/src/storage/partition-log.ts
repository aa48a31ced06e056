import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { RecordBatchView } from '../records/record-batch-view';
import { findFirstRecordAtOrAfter } from '../records/record-timestamp-search';
import { fsyncDirectory } from './atomic-file';
import type { LogConfig } from './log-config';
import { GroupFsync } from './group-fsync';
import { LogSegment, segmentFileName } from './log-segment';
import { ProducerStateManager } from './producer-state-manager';
import { scanSegment } from './segment-scanner';
import { ErrorCode } from '../protocol/error-codes';
import { toProducerBatch, validateProduceBatches } from './produce-batch-validator';

export interface AppendResult {
  errorCode: number;
  baseOffset: bigint;
  /** -1: topics use CreateTime, so Kafka reports no log-append time. */
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  errorMessage?: string;
  /**
   * Only with `deferFsync`, when the fsync policy wants this append on disk: resolves once it is (group commit),
   * rejects on an I/O error. The caller answers the producer after it settles.
   */
  durable?: Promise<void>;
}

export interface AppendOptions {
  acks: number;
  /**
   * Kafka (produce v3+) accepts exactly one batch per partition from a client and answers INVALID_RECORD otherwise;
   * true by default so the broker behaves the same. Internal callers may append several batches at once.
   */
  singleBatch?: boolean;
  /**
   * Instead of a blocking fsync inside append, return `durable` and fsync on the thread pool, shared with other
   * appends queued meanwhile. Readers may see the batch before it is durable, as with Kafka's own page-cache writes.
   */
  deferFsync?: boolean;
}

export interface ReadResult {
  errorCode: number;
  records: Buffer;
}

const EMPTY = Buffer.alloc(0);
const MAX_RELATIVE_OFFSET = 0x7fffffff;
/** ListOffsets special timestamps (Kafka's ListOffsetsRequest constants). */
const LATEST_TIMESTAMP = -1n;
const EARLIEST_TIMESTAMP = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL_TIMESTAMP = -4n;

/**
 * One partition: an ordered list of segments, the last one active. Appends are synchronous (one write and at most
 * one fsync per call) so the event loop orders them and readers always see whole, acknowledged batches.
 */
export class PartitionLog {
  private readonly segments: LogSegment[];
  private dirty = false;
  private readonly groupFsync: GroupFsync;
  /** Set when the partition's topic is deleted or the store closes; a handler may still hold this object. */
  private state: 'open' | 'closed' | 'deleted' = 'open';

  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly dir: string,
    segments: LogSegment[],
    private readonly producers: ProducerStateManager,
    private readonly config: LogConfig,
    private readonly onAppended: () => void,
    private readonly logger?: Logger,
  ) {
    this.segments = segments;
    this.groupFsync = new GroupFsync(() => this.active.fileDescriptor);
  }

  /** Opens (recovering the active segment) or creates the partition directory. */
  static open(args: {
    dir: string;
    topic: string;
    partition: number;
    config: LogConfig;
    onAppended: () => void;
    logger?: Logger;
    /** False after a clean shutdown (everything was fsynced), to skip the CRC pass over the active segment. */
    verifyCrc?: boolean;
  }): PartitionLog {
    const { dir, config, logger } = args;
    fs.mkdirSync(dir, { recursive: true });
    const bases = fs
      .readdirSync(dir)
      .filter((f) => /^\d{20}\.log$/.test(f))
      .map((f) => Number(f.slice(0, 20)))
      .sort((a, b) => a - b);
    const segments: LogSegment[] = [];
    let producers = new ProducerStateManager();
    if (bases.length === 0) {
      segments.push(LogSegment.create(dir, 0, config.indexIntervalBytes));
      fsyncDirectory(dir);
    } else {
      const activeBase = bases[bases.length - 1];
      const snapshotBase = [...bases].reverse().find((b) => fs.existsSync(path.join(dir, segmentFileName(b, '.snapshot'))));
      // Producer state = the newest snapshot (taken at a roll) + a replay of the batch headers written after it.
      let replayFrom = bases[0];
      if (snapshotBase !== undefined) {
        try {
          producers = ProducerStateManager.fromSnapshot(
            fs.readFileSync(path.join(dir, segmentFileName(snapshotBase, '.snapshot')), 'utf8'),
          );
          replayFrom = snapshotBase;
        } catch (error) {
          logger?.warn({ dir, error: String(error) }, 'unreadable producer snapshot; replaying the whole log');
        }
      }
      const replay = (batch: RecordBatchView): void => {
        const producerBatch = toProducerBatch(batch);
        if (producerBatch) producers.apply(producerBatch);
      };
      for (let i = 0; i < bases.length - 1; i++) {
        const segment = LogSegment.openInactive(dir, bases[i], bases[i + 1], config.indexIntervalBytes);
        if (bases[i] >= replayFrom) {
          const fd = fs.openSync(segment.logPath, 'r');
          try {
            scanSegment(fd, 0, segment.size, false, replay);
          } finally {
            fs.closeSync(fd);
          }
        }
        segments.push(segment);
      }
      const { segment, truncation } = LogSegment.recover(dir, activeBase, config.indexIntervalBytes, args.verifyCrc ?? true, replay);
      if (truncation) {
        logger?.warn(
          { topic: args.topic, partition: args.partition, segment: segment.logPath, reason: truncation },
          'truncated a torn or corrupt log tail at start-up',
        );
      }
      segments.push(segment);
    }
    return new PartitionLog(args.topic, args.partition, dir, segments, producers, config, args.onAppended, logger);
  }

  get logStartOffset(): number {
    return this.segments[0].baseOffset;
  }

  /** Next offset to assign; also the high watermark, since a single node has no followers to wait for. */
  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  get sizeInBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  /**
   * Validates and appends one partition's `records` (from a produce request): offsets are written into the batch
   * headers in place (the buffer is modified), the bytes are written as they are, and the fsync policy applied.
   */
  append(records: Buffer | null, opts: AppendOptions): AppendResult {
    if (this.state !== 'open') return this.failure(this.goneErrorCode(), `Partition ${this.topic}-${this.partition} is ${this.state}`);
    if (!records) return this.failure(ErrorCode.INVALID_RECORD, 'Produce requests must have at least one record batch per partition');
    const leo = this.logEndOffset;
    const validation = validateProduceBatches(records, leo, this.config.maxMessageBytes, opts.singleBatch ?? true);
    if ('errorCode' in validation) return this.failure(validation.errorCode, validation.message);
    const { batches, producerBatches } = validation;

    if (producerBatches.length > 0) {
      const verdict = this.producers.verify(producerBatches);
      if (verdict.kind === 'duplicate') {
        return {
          errorCode: ErrorCode.NONE,
          baseOffset: BigInt(verdict.firstOffset),
          logAppendTimeMs: -1n,
          logStartOffset: BigInt(this.logStartOffset),
        };
      }
      if (verdict.kind === 'reject') return this.failure(verdict.errorCode, verdict.message);
    }

    const view = new RecordBatchView(records);
    for (const batch of batches) {
      view.at(records, batch.position);
      view.setBaseOffset(BigInt(batch.baseOffset));
      view.setPartitionLeaderEpoch(0);
    }

    const lastOffset = batches[batches.length - 1].lastOffset;
    try {
      if (this.shouldRoll(records.length, lastOffset)) this.roll();
      this.active.append(records, batches);
    } catch (error) {
      this.logger?.error({ topic: this.topic, partition: this.partition, error: String(error) }, 'append failed');
      return this.failure(ErrorCode.KAFKA_STORAGE_ERROR, `Disk error while appending: ${String(error)}`);
    }
    for (const producerBatch of producerBatches) this.producers.apply(producerBatch);
    let durable: Promise<void> | undefined;
    try {
      durable = this.applyFsyncPolicy(opts.acks, opts.deferFsync ?? false);
    } catch (error) {
      // The bytes are in the log but not known durable: the producer retries, and idempotence dedupes the retry.
      this.logger?.error({ topic: this.topic, partition: this.partition, error: String(error) }, 'fsync failed');
      this.onAppended();
      return this.failure(ErrorCode.KAFKA_STORAGE_ERROR, `Disk error while syncing: ${String(error)}`);
    }
    this.onAppended();
    const result: AppendResult = {
      errorCode: ErrorCode.NONE,
      baseOffset: BigInt(leo),
      logAppendTimeMs: -1n,
      logStartOffset: BigInt(this.logStartOffset),
    };
    if (durable) result.durable = durable;
    return result;
  }

  private failure(errorCode: number, errorMessage: string): AppendResult {
    return { errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: BigInt(this.logStartOffset), errorMessage };
  }

  private shouldRoll(appendBytes: number, lastOffset: number): boolean {
    const active = this.active;
    if (active.size === 0) return false;
    if (active.size + appendBytes > this.config.segmentBytes) return true;
    if (Date.now() - active.createdMs > this.config.segmentMs) return true;
    if (lastOffset - active.baseOffset > MAX_RELATIVE_OFFSET) return true;
    return false;
  }

  private applyFsyncPolicy(acks: number, defer: boolean): Promise<void> | undefined {
    const policy = this.config.fsync;
    if (policy === 'always' || (policy === 'acks-all' && acks === -1)) {
      if (defer) return this.groupFsync.request();
      this.active.sync();
    } else if (policy !== 'os') {
      this.dirty = true;
    }
    return undefined;
  }

  /** Fsyncs the active segment if appends happened since the last flush (interval policy). */
  flushIfDirty(): void {
    if (!this.dirty || this.state !== 'open') return;
    this.dirty = false;
    this.active.sync();
  }

  /** Seals the active segment and starts a new one at the log end, snapshotting producer state for restarts. */
  roll(): void {
    const base = this.logEndOffset;
    this.active.seal();
    this.groupFsync.settleAll();
    const snapshotPath = path.join(this.dir, segmentFileName(base, '.snapshot'));
    // Not fsynced on purpose: a lost snapshot only means a longer replay at start-up.
    fs.writeFileSync(`${snapshotPath}.tmp`, this.producers.toSnapshot());
    fs.renameSync(`${snapshotPath}.tmp`, snapshotPath);
    this.segments.push(LogSegment.create(this.dir, base, this.config.indexIntervalBytes));
    fsyncDirectory(this.dir);
    this.logger?.debug({ topic: this.topic, partition: this.partition, baseOffset: base }, 'rolled log segment');
  }

  /** Whole batches from the one holding fetchOffset; OFFSET_OUT_OF_RANGE outside [logStartOffset, logEndOffset]. */
  read(fetchOffset: bigint, maxBytes: number): ReadResult {
    if (this.state !== 'open') return { errorCode: this.goneErrorCode(), records: EMPTY };
    const offset = Number(fetchOffset);
    if (offset < this.logStartOffset || offset > this.logEndOffset) return { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, records: EMPTY };
    if (offset === this.logEndOffset) return { errorCode: ErrorCode.NONE, records: EMPTY };
    const segment = this.segmentFor(offset);
    const located = segment.locate(offset);
    if (!located) return { errorCode: ErrorCode.NONE, records: EMPTY };
    return { errorCode: ErrorCode.NONE, records: segment.readFrom(located, maxBytes) };
  }

  private segmentFor(offset: number): LogSegment {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.segments[lo];
  }

  /** ListOffsets: -1 latest, -2 earliest, -3 max timestamp, -4 earliest local, else first record with ts >= given. */
  offsetForTimestamp(timestamp: bigint): { offset: bigint; timestamp: bigint } | undefined {
    if (this.state !== 'open') return undefined;
    if (timestamp === LATEST_TIMESTAMP) return { offset: BigInt(this.logEndOffset), timestamp: -1n };
    if (timestamp === EARLIEST_TIMESTAMP || timestamp === EARLIEST_LOCAL_TIMESTAMP)
      return { offset: BigInt(this.logStartOffset), timestamp: -1n };
    if (timestamp === MAX_TIMESTAMP) {
      const newest = this.segments.reduce<LogSegment | undefined>(
        (best, s) => (s.maxTimestamp >= 0 && (!best || s.maxTimestamp > best.maxTimestamp) ? s : best),
        undefined,
      );
      return newest ? this.findInSegment(newest, newest.maxTimestamp) : undefined;
    }
    if (timestamp < 0n) return undefined;
    const target = Number(timestamp);
    for (const segment of this.segments) {
      if (segment.maxTimestamp < target) continue;
      const found = this.findInSegment(segment, target);
      if (found) return found;
    }
    return undefined;
  }

  private findInSegment(segment: LogSegment, target: number): { offset: bigint; timestamp: bigint } | undefined {
    const batch = segment.locateTimestamp(target);
    if (!batch) return undefined;
    const bytes = segment.readBatchAt(batch.position, batch.size);
    try {
      const exact = findFirstRecordAtOrAfter(bytes, BigInt(target));
      if (exact) return exact;
    } catch (error) {
      this.logger?.warn(
        { topic: this.topic, partition: this.partition, error: String(error) },
        'could not search batch records by timestamp',
      );
    }
    return { offset: BigInt(batch.baseOffset), timestamp: BigInt(batch.maxTimestamp) };
  }

  /** Deletes whole old segments past retention.ms / retention.bytes; never the active one. Returns segments removed. */
  enforceRetention(nowMs: number): number {
    if (this.state !== 'open') return 0;
    const { retentionMs, retentionBytes } = this.config;
    let removed = 0;
    let total = this.sizeInBytes;
    while (this.segments.length > 1) {
      const oldest = this.segments[0];
      const expired = retentionMs >= 0 && nowMs - oldest.largestTimestamp > retentionMs;
      const oversized = retentionBytes >= 0 && total - oldest.size >= retentionBytes;
      if (!expired && !oversized) break;
      this.segments.shift();
      oldest.delete();
      total -= oldest.size;
      removed++;
      this.logger?.info(
        {
          topic: this.topic,
          partition: this.partition,
          baseOffset: oldest.baseOffset,
          reason: expired ? 'retention.ms' : 'retention.bytes',
          logStartOffset: this.logStartOffset,
        },
        'deleted log segment past retention',
      );
    }
    return removed;
  }

  /** A deleted topic is unknown; a closing broker answers as a leader that moved, which clients retry. */
  private goneErrorCode(): number {
    return this.state === 'deleted' ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NOT_LEADER_OR_FOLLOWER;
  }

  close(): void {
    if (this.state !== 'open') return;
    this.state = 'closed';
    this.active.sync();
    this.groupFsync.close();
    for (const segment of this.segments) segment.close();
  }

  /** Closes and removes the partition directory (topic deletion). */
  delete(): void {
    if (this.state === 'open') for (const segment of this.segments) segment.close();
    this.state = 'deleted';
    this.groupFsync.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
