import type { BatchOutcome, InboundMessage } from './consumed-batch';
import { rawDlqRecord, type DlqEncoder } from './dlq-envelope';
import type { OutboxEntry, OutgoingMessage } from './outbox-writer';
import type { SqlExecutor } from './sql-client';
import type { DlqReason, StepResult } from './step-result';

export interface DecodedRecord<T> {
  readonly message: InboundMessage;
  readonly value: T;
}

/**
 * What an exactly-once handler works with: the open transaction, the decoded records that still need applying,
 * and an outbox. Everything emitted or rejected here is written in the same transaction as the handler's SQL.
 */
export interface ApplyContext<T> {
  /** The batch transaction. Run parameterized, set-based SQL (UNNEST, multi-row upserts); never commit it. */
  readonly tx: SqlExecutor;
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  /** Decoded, not yet applied, not duplicates; in offset order. */
  readonly records: readonly DecodedRecord<T>[];
  /** Queues a message for the outbox (published after commit by the relay). */
  emit(topic: string, message: OutgoingMessage): void;
  /** Applies a step result: returns the value when ok; dead-letters or drops the record otherwise. */
  route<U>(record: DecodedRecord<T> | InboundMessage, result: StepResult<U>): U | undefined;
  reject(record: DecodedRecord<T> | InboundMessage, reason: DlqReason): void;
  drop(record: DecodedRecord<T> | InboundMessage, why: string): void;
  /**
   * Runs effect once this batch's transaction has committed (never if it rolls back): for effects outside the
   * database, such as metrics, which a batch that is retried or isolated message by message must not repeat.
   */
  afterCommit(effect: () => void): void;
  /**
   * State shared by the slices applied in this transaction (a group commit applies several partitions' slices in
   * one): `create` runs for the first slice that asks for `key`, and the later ones get what it returned.
   */
  shared<S>(key: object, create: () => S): S;
  /**
   * Runs a data-modifying statement (no RETURNING: nothing in the transaction reads its effect) inside the
   * transaction's last statement, the outbox insert, instead of as a round trip of its own. `build` is called once
   * every slice of the transaction has been applied; its text numbers its own parameters from $1 and uses `$` for
   * nothing else. The statements of one transaction must not write the same row twice (one WITH statement).
   */
  writeAtCommit(build: () => ParameterizedWrite): void;
}

export interface ParameterizedWrite {
  text: string;
  values: readonly unknown[];
}

/** What the slices of one transaction share: their shared state and their writes at commit. */
export class TransactionScope {
  private readonly state = new Map<object, unknown>();
  readonly writes: Array<() => ParameterizedWrite> = [];

  shared<S>(key: object, create: () => S): S {
    if (!this.state.has(key)) this.state.set(key, create());
    return this.state.get(key) as S;
  }
}

function messageOf<T>(record: DecodedRecord<T> | InboundMessage): InboundMessage {
  return 'offset' in record ? record : record.message;
}

export class BatchApplyContext<T> implements ApplyContext<T> {
  readonly records: DecodedRecord<T>[] = [];
  private readonly outbox: OutboxEntry[] = [];
  private readonly rejected = new Set<string>();
  private readonly dropped = new Set<string>();
  private readonly committedEffects: Array<() => void> = [];

  constructor(
    readonly tx: SqlExecutor,
    readonly groupId: string,
    readonly topic: string,
    readonly partition: number,
    private readonly service: string,
    private readonly dlqTopic: string,
    private readonly encodeDlq: DlqEncoder,
    private readonly scope = new TransactionScope(),
  ) {}

  emit(topic: string, message: OutgoingMessage): void {
    this.outbox.push({ topic, message });
  }

  route<U>(record: DecodedRecord<T> | InboundMessage, result: StepResult<U>): U | undefined {
    if (result.kind === 'ok') return result.value;
    if (result.kind === 'dlq') this.reject(record, result.reason);
    else this.drop(record, result.why);
    return undefined;
  }

  reject(record: DecodedRecord<T> | InboundMessage, reason: DlqReason): void {
    const message = messageOf(record);
    if (this.rejected.has(message.offset) || this.dropped.has(message.offset)) return;
    this.rejected.add(message.offset);
    const rejection = { message, reason, groupId: this.groupId, service: this.service, rejectedAt: new Date() };
    let encoded: OutgoingMessage;
    try {
      encoded = this.encodeDlq(rejection);
    } catch (err) {
      // A DLQ record must always be writable, or the poison would block its partition after all.
      encoded = rawDlqRecord(rejection, err instanceof Error ? err.message : String(err));
    }
    this.outbox.push({ topic: this.dlqTopic, message: encoded });
  }

  drop(record: DecodedRecord<T> | InboundMessage, _why: string): void {
    const message = messageOf(record);
    if (this.rejected.has(message.offset)) return;
    this.dropped.add(message.offset);
  }

  afterCommit(effect: () => void): void {
    this.committedEffects.push(effect);
  }

  shared<S>(key: object, create: () => S): S {
    return this.scope.shared(key, create);
  }

  writeAtCommit(build: () => ParameterizedWrite): void {
    this.scope.writes.push(build);
  }

  /** The afterCommit effects, in registration order: the processor runs them once the transaction committed. */
  effectsAfterCommit(): ReadonlyArray<() => void> {
    return this.committedEffects;
  }

  outboxEntries(): readonly OutboxEntry[] {
    return this.outbox;
  }

  /** ok counts the decoded records the handler neither rejected nor dropped. */
  outcome(): Pick<BatchOutcome, 'ok' | 'dlq' | 'drop'> {
    const okCount = this.records.filter((r) => !this.rejected.has(r.message.offset) && !this.dropped.has(r.message.offset)).length;
    return { ok: okCount, dlq: this.rejected.size, drop: this.dropped.size };
  }
}
