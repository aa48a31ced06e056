import { Inject, Injectable } from '@nestjs/common';
import { Topics, tryDecode, type Rejection, type RejectionReason } from '@tessera/contracts';
import { MessageHeaders, ok, readDlqHeaders, type ApplyContext, type InboundMessage, type StepResult } from '@tessera/kafka';
import { KafkaBatchConsumer, type KafkaBatchApplier } from '@tessera/kafka-nest';
import type { Registry } from '@tessera/observability';
import { METRICS_REGISTRY } from '@tessera/service-kit';
import { rejectionMetrics, type RejectionMetrics } from './metrics';
import { RejectionStore } from './rejection-store';

type DlqInput = { ok: true; rejection: Rejection } | { ok: false; why: string };

export const REJECTIONS_GROUP_ID = 'validation-rejections';

/**
 * Materializes cdp.events.rejected (every service's typed DLQ) into validation's rejections table, exactly once,
 * for the browse and replay API. It never dead-letters anything itself: a DLQ record it cannot read is dropped and
 * logged, since rejecting it would feed it back into the topic it came from.
 */
@Injectable()
@KafkaBatchConsumer({ groupId: REJECTIONS_GROUP_ID, topics: [Topics.EventsRejected] })
export class RejectionsConsumer implements KafkaBatchApplier<DlqInput> {
  private readonly metrics: RejectionMetrics;

  constructor(
    private readonly store: RejectionStore,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.metrics = rejectionMetrics(registry);
  }

  decode(message: InboundMessage): StepResult<DlqInput> {
    if (!message.value) return ok({ ok: false, why: 'empty DLQ record' });
    const decoded = tryDecode(Topics.EventsRejected, message.value);
    if (decoded.ok) return ok({ ok: true, rejection: decoded.value });
    const fromHeaders = rejectionFromHeaders(message);
    return ok(fromHeaders ? { ok: true, rejection: fromHeaders } : { ok: false, why: `unreadable DLQ record: ${decoded.error.message}` });
  }

  async apply(ctx: ApplyContext<DlqInput>): Promise<void> {
    const rejections: Rejection[] = [];
    for (const record of ctx.records) {
      if (record.value.ok) rejections.push(record.value.rejection);
      else ctx.drop(record, record.value.why);
    }
    const stored = await this.store.insert(ctx.tx, rejections);
    ctx.afterCommit(() => this.metrics.stored.inc(stored));
  }
}

/**
 * A DLQ record whose Avro envelope could not be encoded carries the original bytes as its value and the reason in
 * tessera-dlq-* headers; it is still worth browsing and replaying.
 */
function rejectionFromHeaders(message: InboundMessage): Rejection | undefined {
  const dlq = readDlqHeaders(message.headers);
  if (message.headers[MessageHeaders.dlqReason] === undefined || dlq.sourceTopic === undefined || !message.value) return undefined;
  return {
    rejectionId: `${message.topic}:${message.partition}:${message.offset}`,
    reason: dlq.code as RejectionReason,
    detail: dlq.detail,
    path: dlq.path ?? null,
    service: message.headers[MessageHeaders.dlqService] ?? 'unknown',
    itemKind: 'unknown',
    sourceId: null,
    messageId: null,
    original: {
      topic: dlq.sourceTopic,
      partition: dlq.sourcePartition ?? 0,
      offset: Number(dlq.sourceOffset ?? 0),
      key: message.key,
      value: message.value,
      timestamp: Number(message.timestamp),
      headers: [],
    },
    rejectedAt: Number(message.timestamp),
  };
}
