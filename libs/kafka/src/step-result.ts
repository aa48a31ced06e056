import type { RejectedItemKind, RejectionReason } from '@tessera/contracts';

/**
 * The result union every pipeline step returns (PostHog ingestion style): a step never throws for bad input,
 * it says what should happen to the message, so one poison message can never block its partition.
 */
export type StepResult<T> = StepOk<T> | StepDlq | StepDrop;

export interface StepOk<T> {
  readonly kind: 'ok';
  readonly value: T;
}

export interface StepDlq {
  readonly kind: 'dlq';
  readonly reason: DlqReason;
}

export interface StepDrop {
  readonly kind: 'drop';
  /** Why the message is dropped on purpose (duplicate, filtered...); counted in metrics, never stored. */
  readonly why: string;
}

/**
 * Typed reasons for the dead-letter queue: the `RejectionReason` enum of the cdp.events.rejected contract, so
 * every DLQ record any service writes is browsable and replayable by one tool. The constants below name the
 * codes the Kafka runtime itself produces.
 */
export const DlqReasonCode = {
  /** The bytes are not a decodable message (bad magic, unknown schema fingerprint, corrupt Avro, empty value). */
  Undecodable: 'undecodable',
  /** The handler threw for this message alone (a bug or an unexpected input), after the batch was isolated. */
  ProcessingError: 'processing_error',
  Other: 'other',
} as const satisfies Record<string, RejectionReason>;

export interface DlqReason {
  readonly code: RejectionReason;
  /** Human-readable explanation, shown in the rejections browser. */
  readonly detail: string;
  /** Dotted path of the offending field, when one field is at fault (e.g. `properties.currency`). */
  readonly path?: string;
  /** The named pipeline step that rejected the item (e.g. `tracking-plan`), when a pipeline of steps did. */
  readonly step?: string;
  /** What is known of the payload, when it could be decoded. */
  readonly about?: RejectedItemInfo;
}

export interface RejectedItemInfo {
  readonly itemKind?: RejectedItemKind;
  readonly sourceId?: string;
  readonly messageId?: string;
}

export function ok<T>(value: T): StepOk<T> {
  return { kind: 'ok', value };
}

export function dlq(code: RejectionReason, detail: string, path?: string, about?: RejectedItemInfo): StepDlq {
  return { kind: 'dlq', reason: { code, detail, ...(path === undefined ? {} : { path }), ...(about ? { about } : {}) } };
}

export function drop(why: string): StepDrop {
  return { kind: 'drop', why };
}

/** A step's result as its pipeline reports it: a rejection says which step made it (PostHog's per-step DLQ). */
export function fromStep<T>(step: string, result: StepResult<T>): StepResult<T> {
  return result.kind === 'dlq' ? { kind: 'dlq', reason: { ...result.reason, step } } : result;
}
