import { randomUUID } from 'node:crypto';
import { encode, Topics, type RejectionInput } from '@tessera/contracts';
import type { InboundMessage } from './consumed-batch';
import { MessageHeaders } from './message-headers';
import type { OutgoingMessage } from './outbox-writer';
import type { DlqReason } from './step-result';

/** Everything known about a rejected message. */
export interface Rejection {
  readonly message: InboundMessage;
  readonly reason: DlqReason;
  readonly groupId: string;
  readonly service: string;
  readonly rejectedAt: Date;
}

/** Turns a rejection into the DLQ record. */
export type DlqEncoder = (rejection: Rejection) => OutgoingMessage;

/** The cdp.events.rejected v1 record for a rejection: reason plus the original message byte for byte. */
function toRejectionRecord({ message, reason, service, rejectedAt }: Rejection): RejectionInput {
  return {
    rejectionId: randomUUID(),
    reason: reason.code,
    detail: reason.detail,
    path: reason.path ?? null,
    service,
    itemKind: reason.about?.itemKind ?? 'unknown',
    sourceId: reason.about?.sourceId ?? null,
    messageId: reason.about?.messageId ?? null,
    original: {
      topic: message.topic,
      partition: message.partition,
      offset: Number(message.offset),
      key: message.key,
      value: message.value ?? Buffer.alloc(0),
      timestamp: Number(message.timestamp),
      headers: Object.entries(message.headers).map(([key, value]) => ({ key, value: value === undefined ? null : Buffer.from(value) })),
    },
    rejectedAt: rejectedAt.getTime(),
  };
}

/** The reason and source coordinates as headers, so kcat and other tools can filter without decoding. */
function dlqHeaders({ message, reason, groupId, service }: Rejection): Record<string, string> {
  const headers: Record<string, string> = {
    [MessageHeaders.dlqReason]: reason.code,
    [MessageHeaders.dlqDetail]: reason.detail.slice(0, 1_000),
    [MessageHeaders.dlqSourceTopic]: message.topic,
    [MessageHeaders.dlqSourcePartition]: String(message.partition),
    [MessageHeaders.dlqSourceOffset]: message.offset,
    [MessageHeaders.dlqGroup]: groupId,
    [MessageHeaders.dlqService]: service,
  };
  if (reason.path !== undefined) headers[MessageHeaders.dlqPath] = reason.path;
  if (reason.step !== undefined) headers[MessageHeaders.dlqStep] = reason.step;
  return headers;
}

/**
 * Default DLQ record: the cdp.events.rejected Avro envelope (original bytes inside, so a replay after a fix
 * re-sends exactly what arrived), keyed by the source id when known, else like the original, plus dlqHeaders.
 */
export const contractDlqEncoder: DlqEncoder = (rejection) => ({
  key: rejection.reason.about?.sourceId ?? rejection.message.key,
  value: encode(Topics.EventsRejected, toRejectionRecord(rejection)),
  headers: dlqHeaders(rejection),
});

/**
 * Last-resort DLQ record when the envelope cannot be encoded: the original bytes as the value, everything else in
 * headers, marked with tessera-dlq-envelope-error so tools know there is no Avro envelope to decode.
 */
export function rawDlqRecord(rejection: Rejection, envelopeError: string): OutgoingMessage {
  return {
    key: rejection.message.key,
    value: rejection.message.value,
    headers: { ...dlqHeaders(rejection), [MessageHeaders.dlqEnvelopeError]: envelopeError.slice(0, 1_000) },
  };
}

/** Reads the reason back from a DLQ record's headers (for tools and tests that do not decode the envelope). */
export function readDlqHeaders(headers: Readonly<Record<string, string | undefined>>): {
  code: string;
  detail: string;
  path?: string;
  step?: string;
  sourceTopic?: string;
  sourcePartition?: number;
  sourceOffset?: string;
} {
  const partition = headers[MessageHeaders.dlqSourcePartition];
  return {
    code: headers[MessageHeaders.dlqReason] ?? 'other',
    detail: headers[MessageHeaders.dlqDetail] ?? '',
    ...(headers[MessageHeaders.dlqPath] !== undefined ? { path: headers[MessageHeaders.dlqPath] } : {}),
    ...(headers[MessageHeaders.dlqStep] !== undefined ? { step: headers[MessageHeaders.dlqStep] } : {}),
    sourceTopic: headers[MessageHeaders.dlqSourceTopic],
    sourcePartition: partition === undefined ? undefined : Number(partition),
    sourceOffset: headers[MessageHeaders.dlqSourceOffset],
  };
}
