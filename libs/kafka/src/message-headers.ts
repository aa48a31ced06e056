/** Header names shared by every Tessera producer and consumer. Kept in one place so DLQ tooling can rely on them. */
export const MessageHeaders = {
  /** Set by the outbox relay: origin, lane and position of the message (outbox-sequence.ts); consumers dedupe on it. */
  sequence: 'tessera-seq',
  dlqReason: 'tessera-dlq-reason',
  dlqDetail: 'tessera-dlq-detail',
  dlqPath: 'tessera-dlq-path',
  /** The pipeline step that rejected the item, when a pipeline of named steps did. */
  dlqStep: 'tessera-dlq-step',
  dlqSourceTopic: 'tessera-dlq-source-topic',
  dlqSourcePartition: 'tessera-dlq-source-partition',
  dlqSourceOffset: 'tessera-dlq-source-offset',
  dlqGroup: 'tessera-dlq-group',
  dlqService: 'tessera-dlq-service',
  /** Set when the cdp.events.rejected envelope could not be encoded and the value is the original bytes. */
  dlqEnvelopeError: 'tessera-dlq-envelope-error',
} as const;

/** Kafka header values may be Buffers, strings or arrays; Tessera headers are single UTF-8 strings. */
export function headerToString(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length ? headerToString(value[value.length - 1]) : undefined;
  return typeof value === 'string' ? value : value.toString('utf8');
}
