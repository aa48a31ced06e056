import { Topics } from '@tessera/contracts';
import type { Logger } from 'pino';
import { BatchApplyContext, TransactionScope, type ApplyContext } from './apply-context';
import { emptyOutcome, type BatchOutcome, type ConsumedBatch, type InboundMessage } from './consumed-batch';
import { contractDlqEncoder, type DlqEncoder } from './dlq-envelope';
import { hopTraceEnabled, stampHopTrace } from './hop-trace';
import { MessageHeaders } from './message-headers';
import { advanceFencesSql, lockFences, OffsetFence } from './offset-fence';
import { preparingExecutor, type PreparingConnection } from './prepared-statements';
import { parseOutboxSequence } from './outbox-sequence';
import { consumerLane, type OutboxLane } from './outbox-lane';
import { writeOutboxLanes, type AlongsideWrite, type OutboxEntry } from './outbox-writer';
import { SequenceDedupe, type Mark } from './sequence-dedupe';
import { settle, SliceGroupCommit, type Settled } from './slice-group-commit';
import { inTransaction, type SqlExecutor, type SqlPool } from './sql-client';
import { DlqReasonCode, ok, type DlqReason, type StepResult } from './step-result';
import { isTransientError } from './transient-error';

export interface ExactlyOnceProcessorOptions<T> {
  /** Pool whose connections have the service schema on their search_path. */
  pool: SqlPool;
  groupId: string;
  service: string;
  /** Where rejected messages go (through the outbox). Default cdp.events.rejected. */
  dlqTopic?: string;
  /** Bytes to value, per message. A throw counts as dlq(undecodable). Default: the message itself. */
  decode?: (message: InboundMessage) => StepResult<T> | Promise<StepResult<T>>;
  /** The state change for the whole batch, in the batch transaction. Throw only for failures worth a retry. */
  apply: (ctx: ApplyContext<T>) => Promise<void>;
  encodeDlq?: DlqEncoder;
  /**
   * Apply the slices of several partitions that arrive together (one fetch) in one transaction (default true):
   * one COMMIT, one fence lock, one dedupe read and one outbox insert for all of them instead of one each.
   */
  groupCommit?: boolean;
  /**
   * Into how many transactions, run at once, the slices handed over together are split (default 2). More than one
   * keeps a consumer's Postgres work on more than one backend while its handler waits between statements.
   */
  groupCommitTransactions?: number;
  /**
   * At most this many messages in one group transaction (default 2,000, the runner's slice): a group never holds
   * more rows or locks than one full slice did (a handler may take a lock per record: Postgres's lock table is
   * finite). Under a backlog slices are full and each is its own transaction; when caught up they are small and
   * share one.
   */
  groupCommitMaxMessages?: number;
  logger?: Logger;
}

interface ForcedRejection {
  reason: DlqReason;
}

/** What one transaction applies of one partition: the slice, or a part of it while isolating poison. */
interface SliceWork {
  batch: ConsumedBatch;
  messages: readonly InboundMessage[];
  forced?: ForcedRejection;
}

/**
 * The exactly-once-effect pattern. Each batch is applied in ONE Postgres transaction holding the handler's state
 * change, the consumed offset of the partition (locked, so replays are skipped and zombies fenced), the high-water
 * marks of relayed sequences, and the outbox of outgoing messages and DLQ records. Batches of several partitions
 * handed over together share that transaction (group commit), each with its own ApplyContext. The runner commits the
 * Kafka offset after.
 * Use `handleBatch` as a BatchConsumerRunner handler.
 */
export class ExactlyOnceProcessor<T = InboundMessage> {
  private readonly encodeDlq: DlqEncoder;
  private readonly sequences: SequenceDedupe;
  private readonly logger?: Logger;
  private readonly grouped?: SliceGroupCommit<ConsumedBatch, BatchOutcome>;

  constructor(private readonly opts: ExactlyOnceProcessorOptions<T>) {
    this.encodeDlq = opts.encodeDlq ?? contractDlqEncoder;
    this.sequences = new SequenceDedupe(opts.groupId);
    this.logger = opts.logger?.child({ component: 'exactly-once', group: opts.groupId });
    if (opts.groupCommit ?? true) {
      this.grouped = new SliceGroupCommit((batches) => this.handleGroup(batches), {
        parts: opts.groupCommitTransactions ?? 2,
        budget: opts.groupCommitMaxMessages ?? 2_000,
        weight: (batch) => batch.messages.length,
        // Topics keyed alike put one key in the same partition number: keeping those slices in one group keeps two
        // groups in flight off each other's rows (the evaluator's two inputs deadlocked 35 times in 20 s otherwise).
        order: (a, b) => a.partition - b.partition || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0),
      });
    }
  }

  readonly handleBatch = (batch: ConsumedBatch): Promise<BatchOutcome> =>
    this.grouped ? this.grouped.submit(batch) : this.handleAlone(batch);

  /**
   * One transaction for the slices of several partitions. If it fails for a reason that is not infrastructure, a
   * handler threw on one partition's records (or a record of it is poison): each slice is applied again in a
   * transaction of its own, which isolates the poison by bisection, so the other partitions still apply.
   * A transient failure rejects every slice, and each caller retries as it would its own.
   */
  private async handleGroup(batches: readonly ConsumedBatch[]): Promise<Settled<BatchOutcome>[]> {
    if (batches.length === 1) return [await settle(this.handleAlone(batches[0]))];
    try {
      const outcomes = await this.applyInTransaction(batches.map((batch) => ({ batch, messages: batch.messages })));
      return outcomes.map((value) => ({ value }));
    } catch (err) {
      if (isTransientError(err)) return batches.map(() => ({ error: err }));
      this.logger?.warn(
        { err, partitions: batches.map((b) => `${b.topic}:${b.partition}`) },
        'group commit failed; applying each slice alone',
      );
    }
    const settled: Settled<BatchOutcome>[] = [];
    for (const batch of batches) settled.push(await settle(this.handleAlone(batch)));
    return settled;
  }

  private async handleAlone(batch: ConsumedBatch): Promise<BatchOutcome> {
    try {
      return (await this.applyInTransaction([{ batch, messages: batch.messages }]))[0];
    } catch (err) {
      if (isTransientError(err)) throw err;
      return this.isolate(batch, err as Error);
    }
  }

  /**
   * The batch failed for a reason that is not infrastructure: find the messages that fail alone by bisection, so
   * they go to the DLQ and the rest of the partition flows. Each half is applied in one transaction; only a half
   * that fails is split again, so k poison messages in a slice of n cost O(k log n) transactions, not n (a slice
   * replayed message by message made 1 % poison input about 25x slower). Halves are applied in offset order, so
   * the offset fence advances as it would for the whole slice.
   */
  private async isolate(batch: ConsumedBatch, cause: Error): Promise<BatchOutcome> {
    this.logger?.warn(
      { err: cause, topic: batch.topic, partition: batch.partition, size: batch.messages.length },
      'batch failed; isolating messages by bisection',
    );
    const total = emptyOutcome();
    const add = (one: BatchOutcome) => {
      for (const key of Object.keys(total) as (keyof BatchOutcome)[]) total[key] += one[key];
    };
    const bisect = async (failing: readonly InboundMessage[], error: unknown): Promise<void> => {
      if (failing.length === 1) {
        const detail = error instanceof Error ? error.message : String(error);
        const forced = { reason: { code: DlqReasonCode.ProcessingError, detail } };
        add((await this.applyInTransaction([{ batch, messages: failing, forced }]))[0]);
        return;
      }
      const middle = Math.ceil(failing.length / 2);
      for (const half of [failing.slice(0, middle), failing.slice(middle)]) {
        try {
          add((await this.applyInTransaction([{ batch, messages: half }]))[0]);
        } catch (err) {
          if (isTransientError(err)) throw err;
          await bisect(half, err);
        }
        await batch.heartbeat();
      }
    };
    await bisect(batch.messages, cause);
    return total;
  }

  /**
   * One transaction for the given slices (each of a different partition): lock every fence (sorted, one
   * statement), skip what was applied, drop duplicates, apply each partition with its own context, write every
   * lane's outbox rows in one insert, advance every fence, COMMIT. The afterCommit effects run after.
   */
  private async applyInTransaction(slices: readonly SliceWork[]): Promise<BatchOutcome[]> {
    const applied: BatchApplyContext<T>[] = [];
    const startedAt = Date.now();
    const committed = await inTransaction(this.opts.pool, async (connection) => {
      const tx = preparingExecutor(connection as unknown as PreparingConnection);
      const scope = new TransactionScope();
      const fences = slices.map(({ batch }) => new OffsetFence(this.opts.groupId, batch.topic, batch.partition));
      const nextOffsets = await lockFences(tx, fences);
      const fresh = slices.map(({ messages }, i) => notAppliedYet(messages, nextOffsets[i]));
      const outcomes = slices.map(({ messages }, i) => ({ ...emptyOutcome(), skipped: messages.length - fresh[i].length }));
      const moved: Mark[] = [];
      const unseen = await this.dropDuplicates(tx, slices, fresh, outcomes, moved);
      const lanes: { lane: OutboxLane; entries: readonly OutboxEntry[] }[] = [];
      const advances: { fence: OffsetFence; nextOffset: bigint }[] = [];
      for (const [i, slice] of slices.entries()) {
        if (fresh[i].length === 0) continue;
        const ctx = await this.applySlice(tx, scope, slice, unseen[i]);
        applied.push(ctx);
        const entries = ctx.outboxEntries();
        if (hopTraceEnabled) stampHopTrace(entries, slice.batch.receivedAt, startedAt);
        lanes.push({ lane: consumerLane(fences[i]), entries });
        advances.push({ fence: fences[i], nextOffset: BigInt(fresh[i][fresh[i].length - 1].offset) + 1n });
        outcomes[i] = { ...outcomes[i], ...ctx.outcome() };
      }
      // The marks, the offsets and the outbox rows in one statement: the transaction's last before COMMIT.
      const alongside: AlongsideWrite[] = [];
      if (moved.length > 0) alongside.push((params) => this.sequences.writeMarksSql(params, moved));
      if (advances.length > 0) alongside.push((params) => advanceFencesSql(params, advances));
      for (const build of scope.writes) {
        alongside.push((params) => {
          const { text, values } = build();
          return params.adopt(text, values);
        });
      }
      await writeOutboxLanes(tx, lanes, alongside);
      return outcomes;
    });
    for (const ctx of applied) {
      for (const effect of ctx.effectsAfterCommit()) {
        try {
          effect();
        } catch (err) {
          // Committed is committed: a failing side effect (a metric) must not make the runner retry the batch.
          this.logger?.warn({ err, topic: ctx.topic, partition: ctx.partition }, 'after-commit effect failed');
        }
      }
    }
    return committed;
  }

  /** Decodes and applies one partition's unseen messages (or rejects them all when forced), in its own context. */
  private async applySlice(
    tx: SqlExecutor,
    scope: TransactionScope,
    { batch, forced }: SliceWork,
    unseen: readonly InboundMessage[],
  ): Promise<BatchApplyContext<T>> {
    const { groupId, service } = this.opts;
    const dlqTopic = this.opts.dlqTopic ?? Topics.EventsRejected;
    const ctx = new BatchApplyContext<T>(tx, groupId, batch.topic, batch.partition, service, dlqTopic, this.encodeDlq, scope);
    if (forced) {
      for (const m of unseen) ctx.reject(m, forced.reason);
      return ctx;
    }
    for (const m of unseen) {
      // Awaited only when it is a promise: an await per message cost a microtask turn each.
      const result = this.decode(m);
      const decoded = isPromise(result) ? await result : result;
      if (decoded.kind === 'ok') ctx.records.push({ message: m, value: decoded.value });
      else ctx.route(m, decoded);
    }
    if (ctx.records.length > 0) await this.opts.apply(ctx);
    return ctx;
  }

  /**
   * Relayed messages (tessera-seq) are checked against the sequence marks, which costs no row per message: one read
   * for all the slices of the transaction; the marks that moved are pushed to `moved`, and written with the outbox
   * rows at the end. A message without a sequence (a direct producer's: the gateway's raw input) is never a
   * duplicate here: the broker dedupes its producer's retries and the offset fence its redeliveries.
   */
  private async dropDuplicates(
    tx: SqlExecutor,
    slices: readonly SliceWork[],
    fresh: readonly (readonly InboundMessage[])[],
    outcomes: BatchOutcome[],
    moved: Mark[],
  ): Promise<InboundMessage[][]> {
    const checked = await this.sequences.findDuplicates(
      tx,
      slices.map(({ batch }, i) => ({
        topic: batch.topic,
        partition: batch.partition,
        sequences: fresh[i].map((m) => parseOutboxSequence(m.headers[MessageHeaders.sequence])),
      })),
    );
    moved.push(...checked.moved);
    return fresh.map((messages, s) => {
      const repeated = checked.duplicates[s];
      outcomes[s].duplicate += repeated.filter(Boolean).length;
      return messages.filter((_, i) => !repeated[i]);
    });
  }

  private decode(message: InboundMessage): StepResult<T> | Promise<StepResult<T>> {
    if (!this.opts.decode) return ok(message as unknown as T);
    try {
      const result = this.opts.decode(message);
      return isPromise(result) ? Promise.resolve(result).catch(undecodable) : result;
    } catch (err) {
      return undecodable(err);
    }
  }
}

function undecodable(err: unknown): StepResult<never> {
  return { kind: 'dlq', reason: { code: DlqReasonCode.Undecodable, detail: err instanceof Error ? err.message : String(err) } };
}

/** The messages at or after `nextOffset`: a slice is in offset order, so they are a suffix of it. */
function notAppliedYet(messages: readonly InboundMessage[], nextOffset: bigint): InboundMessage[] {
  let first = 0;
  while (first < messages.length && BigInt(messages[first].offset) < nextOffset) first++;
  return messages.slice(first);
}

function isPromise<R>(result: R | Promise<R>): result is Promise<R> {
  return typeof (result as { then?: unknown }).then === 'function';
}
