import type { Connector, Cursor, SourceRecord } from '@tessera/connector-sdk';
import { inTransaction } from '@tessera/kafka';
import type { Logger } from '@tessera/observability';
import type { Pool } from 'pg';
import type { Connection } from '../connections/connection-repository';
import { compileStreamPlan, type StreamPlan } from '../connections/stream-plan';
import type { Run } from '../runs/run-repository';
import { CheckpointBatch } from './checkpoint-batch';
import { fenceRun, writeCheckpoint, type RunLease, type RunProgress } from './checkpoint-writer';
import type { SyncMetrics } from './metrics';
import { CommitPipeline } from './commit-pipeline';
import { encodeRecord, type RunOrigin } from './record-encoder';
import { markSucceeded, settleDisappeared } from './run-finisher';
import { compactRowKeys } from './row-key-log';
import { CheckpointTooFarError } from './checkpoint-too-far.error';

export interface RunExecutionDeps {
  pool: Pool;
  logger: Logger;
  metrics: SyncMetrics;
  maxUncheckpointedRecords: number;
  /** compactRowKeys' minimum (tests lower it). */
  rowKeyCompactionMinimum?: number;
}

/**
 * Executes one claimed run: each stream not done yet is read from the run's last committed cursor; the records
 * read since the previous checkpoint are committed with each checkpoint (checkpoint-writer.ts), the end of a stream
 * is a last checkpoint, and a full refresh ends by settling the rows that disappeared. Resuming after a crash is
 * the same code: the run row holds every stream's committed cursor and counters.
 */
export class RunExecution {
  private readonly origin: RunOrigin;
  private readonly progress: RunProgress;
  private batchNumber: number;
  /** Streams whose read this run was a full pass (the connector said so): settled like a full refresh's. */
  private readonly fullPass = new Set<string>();

  constructor(
    private readonly run: Run,
    private readonly connection: Connection,
    private readonly connector: Connector<Record<string, unknown>>,
    private readonly lease: RunLease,
    private readonly signal: AbortSignal,
    private readonly deps: RunExecutionDeps,
  ) {
    this.origin = { connectionId: connection.id, runId: run.id, sourceId: connection.sourceId };
    this.progress = {
      read: run.recordsRead,
      emitted: run.recordsEmitted,
      rejected: run.recordsRefused,
      estimatedTotal: run.estimatedTotal,
    };
    this.batchNumber = run.checkpoints;
  }

  async execute(): Promise<void> {
    const plans = this.connection.streams.map((s) => {
      const compiled = compileStreamPlan(s, s.name);
      if ('problem' in compiled) throw new Error(`stream ${s.name}: ${compiled.problem.message}`);
      return compiled.plan;
    });
    const streamNames = plans.map((p) => p.settings.name);
    for (const plan of plans) {
      if (this.run.streamsDone.includes(plan.settings.name)) continue;
      await this.readStream(plan, this.run.cursorAfter[plan.settings.name] ?? null);
    }
    this.signal.throwIfAborted();
    // A full refresh read every stream whole; otherwise a stream is whole when its connector said its read was a full
    // pass. That is only known in memory: after a crash past the stream's end the next full pass settles it instead.
    const whole = this.run.fullRefresh ? plans : plans.filter((p) => this.fullPass.has(p.settings.name));
    const appended = streamNames.filter((name) => !whole.some((p) => p.settings.name === name));
    await inTransaction(this.deps.pool, async (tx) => {
      await fenceRun(tx, this.lease);
      const disappeared =
        whole.length > 0 ? await settleDisappeared(tx, this.origin, whole, this.connection.unsetMissingOnFullRefresh, Date.now()) : null;
      if (appended.length > 0) await compactRowKeys(tx, this.connection.id, appended, this.run.id, this.deps.rowKeyCompactionMinimum);
      await markSucceeded(tx, this.lease, disappeared);
    });
  }

  private async readStream(plan: StreamPlan, from: Cursor): Promise<void> {
    const stream = plan.settings.name;
    const readBefore = this.progress.read;
    const commits = new CommitPipeline();
    let cursor = from;
    const batch = new CheckpointBatch();
    let rejected = 0;
    try {
      for await (const message of this.connector.read(this.connection.config, stream, from, { signal: this.signal })) {
        this.signal.throwIfAborted();
        if (message.type === 'record') {
          if (!this.add(plan, batch, message.stream, message)) rejected++;
        } else if (message.type === 'records') {
          const receivedAt = Date.now();
          for (const record of message.records) if (!this.add(plan, batch, message.stream, record, receivedAt)) rejected++;
        } else if (message.type === 'estimate') {
          this.progress.estimatedTotal = readBefore + message.total;
        } else if (message.type === 'full-pass') {
          this.fullPass.add(stream);
        } else {
          cursor = message.cursor;
          await commits.next(this.commit(stream, cursor, batch, rejected, false));
          rejected = 0;
        }
      }
    } catch (error) {
      // Not leaving a checkpoint transaction running behind a failed read: the worker settles the run next.
      await commits.drain().catch(() => undefined);
      throw error;
    }
    await commits.drain();
    this.signal.throwIfAborted();
    // Records after the last checkpoint are committed with the stream's end (the SDK asks connectors to end with a
    // checkpoint; one that does not gets them at most once per run and again from the old cursor next time).
    if (batch.size > 0)
      this.deps.logger.warn({ runId: this.run.id, stream, records: batch.size }, 'connector ended a read without a final checkpoint');
    await this.commit(stream, cursor, batch, rejected, true)();
  }

  /** Packs one record read into the checkpoint's batch; false when it is not a record of the stream being read. */
  private add(plan: StreamPlan, batch: CheckpointBatch, stream: string, record: SourceRecord, receivedAt = Date.now()): boolean {
    this.progress.read++;
    if (stream !== plan.settings.name || typeof record.rowKey !== 'string' || record.rowKey === '') return false;
    batch.add(encodeRecord(plan, this.origin, stream, record, this.batchNumber, receivedAt));
    if (batch.size > this.deps.maxUncheckpointedRecords)
      throw new CheckpointTooFarError(this.connector.name, this.deps.maxUncheckpointedRecords);
    return true;
  }

  /**
   * Takes the checkpoint now (the batch's records, its counters, and the checkpoint number the records read after it
   * carry, which is what a resumed run derives from the committed count) and returns its transaction, to be started
   * by the caller.
   */
  private commit(stream: string, cursor: Cursor, batch: CheckpointBatch, rejected: number, streamDone: boolean): () => Promise<void> {
    const records = batch.take();
    const progress = { ...this.progress, emitted: this.progress.emitted + records.count, rejected: this.progress.rejected + rejected };
    this.progress.emitted = progress.emitted;
    this.progress.rejected = progress.rejected;
    this.batchNumber++;
    return async () => {
      const stop = this.deps.metrics.checkpoint.startTimer({ connector: this.connector.name });
      await inTransaction(this.deps.pool, (tx) => writeCheckpoint(tx, this.lease, { stream, cursor, records, progress, streamDone }));
      stop();
      this.deps.metrics.records.inc({ connector: this.connector.name, outcome: 'emitted' }, records.count);
      if (rejected > 0) this.deps.metrics.records.inc({ connector: this.connector.name, outcome: 'rejected' }, rejected);
    };
  }
}
