import { Topics } from '@tessera/contracts';
import type { Logger } from 'pino';
import { BatchApplyContext, type ApplyContext } from './apply-context';
import { emptyOutcome, type BatchOutcome, type ConsumedBatch, type InboundMessage } from './consumed-batch';
import { contractDlqEncoder, type DlqEncoder } from './dlq-envelope';
import { hopTraceEnabled, stampHopTrace } from './hop-trace';
import { InboxDedupe } from './inbox-dedupe';
import { MessageHeaders } from './message-headers';
import { OffsetFence } from './offset-fence';
import { preparingExecutor, type PreparingConnection } from './prepared-statements';
import { parseOutboxSequence } from './outbox-sequence';
import { consumerLane } from './outbox-lane';
import { writeOutbox } from './outbox-writer';
import { SequenceDedupe } from './sequence-dedupe';
import { inTransaction, withConnection, type SqlExecutor, type SqlPool } from './sql-client';
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
  /** Dedupe relayed messages on their tessera-seq header, others on tessera-msg-id (default true). */
  dedupeByMessageId?: boolean;
  /** Run the batch transaction's statements as prepared statements (default true; the pool must be a pg pool). */
  preparedStatements?: boolean;
  /** How long applied message ids are remembered (default 24 h): must outlast the longest relay outage. */
  inboxRetentionMs?: number;
  logger?: Logger;
}

interface ForcedRejection {
  reason: DlqReason;
}

const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * The exactly-once-effect pattern. Each batch is ONE Postgres transaction holding the handler's state change,
 * the consumed offset of the partition (locked, so replays are skipped and zombies fenced), the high-water marks
 * of relayed sequences (and the inbox of applied message ids for messages without one), and the outbox of
 * outgoing messages and DLQ records. The runner commits the Kafka offset after.
 * Use `handleBatch` as a BatchConsumerRunner handler.
 */
export class ExactlyOnceProcessor<T = InboundMessage> {
  private readonly encodeDlq: DlqEncoder;
  private readonly dedupe: boolean;
  private readonly prepared: boolean;
  private readonly inbox: InboxDedupe;
  private readonly sequences: SequenceDedupe;
  private readonly retentionMs: number;
  private readonly logger?: Logger;
  private lastPrune = Date.now();

  constructor(private readonly opts: ExactlyOnceProcessorOptions<T>) {
    this.encodeDlq = opts.encodeDlq ?? contractDlqEncoder;
    this.dedupe = opts.dedupeByMessageId ?? true;
    this.prepared = opts.preparedStatements ?? true;
    this.inbox = new InboxDedupe(opts.groupId);
    this.sequences = new SequenceDedupe(opts.groupId);
    this.retentionMs = opts.inboxRetentionMs ?? 24 * 3600_000;
    this.logger = opts.logger?.child({ component: 'exactly-once', group: opts.groupId });
  }

  readonly handleBatch = async (batch: ConsumedBatch): Promise<BatchOutcome> => {
    let outcome: BatchOutcome;
    try {
      outcome = await this.applyInTransaction(batch, batch.messages);
    } catch (err) {
      if (isTransientError(err)) throw err;
      outcome = await this.isolate(batch, err as Error);
    }
    this.pruneInboxIfDue();
    return outcome;
  };

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
        add(await this.applyInTransaction(batch, failing, { reason: { code: DlqReasonCode.ProcessingError, detail } }));
        return;
      }
      const middle = Math.ceil(failing.length / 2);
      for (const half of [failing.slice(0, middle), failing.slice(middle)]) {
        try {
          add(await this.applyInTransaction(batch, half));
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

  private async applyInTransaction(
    batch: ConsumedBatch,
    messages: readonly InboundMessage[],
    forced?: ForcedRejection,
  ): Promise<BatchOutcome> {
    const { groupId, service } = this.opts;
    const dlqTopic = this.opts.dlqTopic ?? Topics.EventsRejected;
    let applied: BatchApplyContext<T> | undefined;
    const startedAt = Date.now();
    const committed = await inTransaction(this.opts.pool, async (connection) => {
      const tx = this.prepared ? preparingExecutor(connection as unknown as PreparingConnection) : connection;
      const fence = new OffsetFence(groupId, batch.topic, batch.partition);
      const nextOffset = await fence.lock(tx);
      const outcome = emptyOutcome();
      const fresh = messages.filter((m) => BigInt(m.offset) >= nextOffset);
      outcome.skipped = messages.length - fresh.length;
      if (fresh.length === 0) return outcome;

      const unseen = this.dedupe ? await this.dropDuplicates(tx, batch, fresh, outcome) : fresh;
      const ctx = new BatchApplyContext<T>(tx, groupId, batch.topic, batch.partition, service, dlqTopic, this.encodeDlq);
      applied = ctx;
      if (forced) {
        for (const m of unseen) ctx.reject(m, forced.reason);
      } else {
        for (const m of unseen) {
          const decoded = await this.decode(m);
          if (decoded.kind === 'ok') ctx.records.push({ message: m, value: decoded.value });
          else ctx.route(m, decoded);
        }
        if (ctx.records.length > 0) await this.opts.apply(ctx);
      }
      const entries = ctx.outboxEntries();
      if (hopTraceEnabled) stampHopTrace(entries, batch.receivedAt, startedAt);
      await writeOutbox(tx, consumerLane(fence), entries);
      await fence.advance(tx, BigInt(fresh[fresh.length - 1].offset) + 1n);
      return { ...outcome, ...ctx.outcome() };
    });
    for (const effect of applied?.effectsAfterCommit() ?? []) {
      try {
        effect();
      } catch (err) {
        // Committed is committed: a failing side effect (a metric) must not make the runner retry the batch.
        this.logger?.warn({ err, topic: batch.topic, partition: batch.partition }, 'after-commit effect failed');
      }
    }
    return committed;
  }

  /**
   * Relayed messages (tessera-seq) are checked against the sequence marks, which costs no row per message;
   * others with a tessera-msg-id (direct producers, relays of earlier releases) against the inbox.
   */
  private async dropDuplicates(
    tx: SqlExecutor,
    batch: ConsumedBatch,
    fresh: readonly InboundMessage[],
    outcome: BatchOutcome,
  ): Promise<InboundMessage[]> {
    const sequences = fresh.map((m) => parseOutboxSequence(m.headers[MessageHeaders.sequence]));
    const sequenced = sequences.some((seq) => seq !== undefined);
    const repeated = sequenced ? await this.sequences.check(tx, batch.topic, batch.partition, sequences) : [];
    const ids: string[] = [];
    fresh.forEach((m, i) => {
      const id = m.headers[MessageHeaders.messageId];
      if (!sequences[i] && id !== undefined) ids.push(id);
    });
    const claimed = await this.inbox.claim(tx, ids);
    const unseen: InboundMessage[] = [];
    for (const [i, m] of fresh.entries()) {
      const id = m.headers[MessageHeaders.messageId];
      if (sequences[i]) {
        if (repeated[i]) outcome.duplicate += 1;
        else unseen.push(m);
      } else if (id === undefined) {
        unseen.push(m);
      } else if (claimed.delete(id)) {
        // delete(): a second copy of the same id inside this batch is a duplicate too.
        unseen.push(m);
      } else {
        outcome.duplicate += 1;
      }
    }
    return unseen;
  }

  private async decode(message: InboundMessage): Promise<StepResult<T>> {
    if (!this.opts.decode) return ok(message as unknown as T);
    try {
      return await this.opts.decode(message);
    } catch (err) {
      return { kind: 'dlq', reason: { code: DlqReasonCode.Undecodable, detail: err instanceof Error ? err.message : String(err) } };
    }
  }

  private pruneInboxIfDue(): void {
    if (!this.dedupe || Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    // Each chunk autocommits, outside any batch transaction; runs in the background of the consumer.
    withConnection(this.opts.pool, (db) => this.inbox.prune(db, this.retentionMs)).catch((err) =>
      this.logger?.warn({ err }, 'inbox prune failed'),
    );
  }
}
