import type { DeliveryBatch, DestinationAdapter, SendContext, SendResult } from '../destination';
import { FILE_DEFAULTS, type FileExportConfig } from './file-export-config';
import { encoderFor } from './record-encoder';
import { SegmentWriter } from './segment-writer';

/** Errors an operator must fix (permissions, read-only mount); anything else (a full disk, say) may pass. */
const TERMINAL_FS_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR']);

/**
 * File export: NDJSON or CSV files in a directory, rotated by size and age (see SegmentWriter for the guarantees).
 * Writes are serialised: the dispatcher may call send() concurrently, but one file takes one batch at a time.
 */
export class FileExportAdapter implements DestinationAdapter {
  readonly kind = 'file' as const;
  readonly maxBatchSize = FILE_DEFAULTS.maxBatchSize;
  private readonly writer: SegmentWriter;
  private readonly timer: NodeJS.Timeout;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(destinationId: string, config: FileExportConfig, now: () => number) {
    const rotateAfterMs = (config.rotateAfterSeconds ?? FILE_DEFAULTS.rotateAfterSeconds) * 1000;
    this.writer = new SegmentWriter({
      directory: config.directory,
      prefix: config.filePrefix ?? destinationId.replace(/[^A-Za-z0-9_-]/g, '_'),
      encoder: encoderFor(config.format, config.csvColumns, config.csvEscapeFormulas),
      maxFileBytes: config.maxFileBytes ?? FILE_DEFAULTS.maxFileBytes,
      rotateAfterMs,
      dedupeWindowMs: (config.dedupeWindowHours ?? FILE_DEFAULTS.dedupeWindowHours) * 3_600_000,
      now,
    });
    // time-based rotation must happen even when no batch arrives to trigger it
    this.timer = setInterval(
      () => void this.serial(() => this.writer.rotateIfDue()).catch(() => undefined),
      Math.min(rotateAfterMs, 1_000),
    );
    this.timer.unref();
  }

  async send(batch: DeliveryBatch, context: SendContext): Promise<SendResult> {
    if (context.signal.aborted) return { outcome: 'retry', error: 'attempt aborted by the dispatcher' };
    try {
      const written = await this.serial(() => this.writer.write(batch));
      return written === 'duplicate'
        ? { outcome: 'delivered', note: 'batch already written (a retry of an unacknowledged write)' }
        : { outcome: 'delivered' };
    } catch (error) {
      const err = error as NodeJS.ErrnoException;
      const message = `could not write the export file (${err.code ?? err.name}: ${err.message})`;
      return err.code && TERMINAL_FS_CODES.has(err.code) ? { outcome: 'terminal', error: message } : { outcome: 'retry', error: message };
    }
  }

  /** Seals the open file, so a graceful shutdown leaves everything written visible. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.serial(() => this.writer.close());
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
