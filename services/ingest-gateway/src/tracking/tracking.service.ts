import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { Topics, encode } from '@tessera/contracts';
import type { Registry } from '@tessera/observability';
import { METRICS_REGISTRY, SERVICE_KIT_OPTIONS, type ResolvedServiceKitOptions } from '@tessera/service-kit';
import type { Message } from 'kafkajs';
import { DurablePublisher } from '../publishing/durable-publisher';
import { SourceRateLimiter } from '../rate-limit/source-rate-limiter';
import { WriteKeyAuthenticator } from '../sources/write-key-authenticator';
import { checkBatch, checkEventSizes, describe } from './batch-payload';
import { TrackingMetrics } from './metrics';
import { batchItemType, isPlainObject, toRawEvent, type SegmentCallType, type StampedEvent } from './segment-event-mapper';


export interface IngestRequest {
  authorization: string | undefined;
  body: unknown;
  /** Decompressed body size. */
  bodyBytes: number;
  receivedAt: number;
}

/** Authenticate, check the shape, rate-limit, stamp, produce and wait for the broker's acknowledgement. */
@Injectable()
export class TrackingService {
  readonly metrics: TrackingMetrics;

  constructor(
    private readonly authenticator: WriteKeyAuthenticator,
    private readonly rateLimiter: SourceRateLimiter,
    private readonly publisher: DurablePublisher,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(SERVICE_KIT_OPTIONS) options: ResolvedServiceKitOptions,
  ) {
    this.metrics = new TrackingMetrics(registry, options.name);
  }

  /** /v1/track, /identify, ...: the endpoint fixes the type, whatever the body says. Returns the event count. */
  async ingestSingle(type: SegmentCallType, request: IngestRequest): Promise<number> {
    const source = await this.authenticator.authenticate(request.authorization, request.body);
    const { body } = request;
    if (!isPlainObject(body)) throw new BadRequestException(`body must be a JSON object (one ${type} call), got ${describe(body)}`);
    this.rateLimiter.charge(source, 1);
    await this.publisher.publish(Topics.EventsRaw, toMessages([toRawEvent(body, type, source.id, request.receivedAt)]));
    return 1;
  }

  /** /v1/batch and /v1/import: `{ batch: [...], context?, integrations?, sentAt? }`. Returns the event count. */
  async ingestBatch(request: IngestRequest): Promise<number> {
    const source = await this.authenticator.authenticate(request.authorization, request.body);
    const { body } = request;
    if (!isPlainObject(body)) throw new BadRequestException(`body must be a JSON object { "batch": [...] }, got ${describe(body)}`);
    const { items, defaults } = checkBatch(body);
    const messages = toMessages(items.map((item) => toRawEvent(item, batchItemType(item), source.id, request.receivedAt, defaults)));
    checkEventSizes(messages.map((m) => (m.value as Buffer).length), request.bodyBytes);
    this.rateLimiter.charge(source, messages.length);
    await this.publisher.publish(Topics.EventsRaw, messages);
    return messages.length;
  }
}

/**
 * No informational contract headers (content-type, tessera-schema) on this hot path: the single-object value names
 * its schema already, and each header costs kafkajs an encoder allocation per message.
 */
function toMessages(events: StampedEvent[]): Message[] {
  return events.map(({ key, value }) => ({ key, value: encode(Topics.EventsRaw, value) }));
}
