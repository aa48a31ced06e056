import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { Topics } from '@tessera/contracts';
import type { Registry } from '@tessera/observability';
import { METRICS_REGISTRY, SERVICE_KIT_OPTIONS, type ResolvedServiceKitOptions } from '@tessera/service-kit';
import type { Message } from 'kafkajs';
import { DurablePublisher } from '../publishing/durable-publisher';
import { SourceRateLimiter } from '../rate-limit/source-rate-limiter';
import { WriteKeyAuthenticator } from '../sources/write-key-authenticator';
import { checkBatch, checkEventSizes } from './batch-payload';
import { TrackingMetrics } from './metrics';
import { locateBatchItemFields, locateCallFields } from './json-field-locator';
import { RawEventEncoder, type RawEventParts } from './raw-event-encoder';
import { callProblem } from './call-requirements';
import { batchItemType, describe, isPlainObject, toRawEventParts, type SegmentCallType } from './segment-event-mapper';

export interface IngestRequest {
  authorization: string | undefined;
  body: unknown;
  /** The decompressed bytes `body` was parsed from, when known: JSON text is copied from it as sent. */
  rawBody?: Buffer;
  /** Decompressed body size. */
  bodyBytes: number;
  receivedAt: number;
  /** Called once the events are encoded, before waiting for the broker: the caller drops its parsed body then. */
  releaseBody?: () => void;
}

/** Authenticate, check the shape, rate-limit, stamp, produce and wait for the broker's acknowledgement. */
@Injectable()
export class TrackingService {
  readonly metrics: TrackingMetrics;
  private readonly encoder = new RawEventEncoder();

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
    const problem = callProblem(body, type);
    if (problem) throw new BadRequestException({ message: problem.message, details: [problem] });
    this.rateLimiter.charge(source, 1);
    const ranges = request.rawBody ? locateCallFields(request.rawBody) : null;
    const event = toRawEventParts(body, type, source.id, request.receivedAt, undefined, ranges);
    await this.publisher.publish(Topics.EventsRaw, this.toMessages([event], request.rawBody));
    return 1;
  }

  /** /v1/batch and /v1/import: `{ batch: [...], context?, integrations?, sentAt? }`. Returns the event count. */
  async ingestBatch(request: IngestRequest): Promise<number> {
    const source = await this.authenticator.authenticate(request.authorization, request.body);
    const messages = this.batchMessages(request, source.id);
    this.rateLimiter.charge(source, messages.length);
    // WHY: the parsed body (thousands of objects for a large batch) is not needed past this point. Dropped now, it
    // dies young instead of being kept, and promoted to the old generation, while the broker is acknowledging.
    request.body = undefined;
    request.releaseBody?.();
    await this.publisher.publish(Topics.EventsRaw, messages);
    return messages.length;
  }

  /** The batch's events as messages, after the shape and size checks; the parsed items stay in this frame. */
  private batchMessages(request: IngestRequest, sourceId: string): Message[] {
    const { body } = request;
    if (!isPlainObject(body)) throw new BadRequestException(`body must be a JSON object { "batch": [...] }, got ${describe(body)}`);
    const { items, defaults } = checkBatch(body);
    const located = request.rawBody ? locateBatchItemFields(request.rawBody) : null;
    const ranges = located?.length === items.length ? located : null;
    const events = items.map((item, i) =>
      toRawEventParts(item, batchItemType(item), sourceId, request.receivedAt, defaults, ranges ? ranges[i] : null),
    );
    const messages = this.toMessages(events, request.rawBody);
    checkEventSizes(
      messages.map((m) => (m.value as Buffer).length),
      request.bodyBytes,
    );
    return messages;
  }

  /**
   * No headers on this hot path: the single-object value names its schema already, and each header costs kafkajs an
   * encoder allocation per message. A copy of an event is told by its (source, messageId) in validation.
   */
  private toMessages(events: { key: string; parts: RawEventParts }[], rawBody: Buffer | undefined): Message[] {
    const values = this.encoder.encodeAll(
      events.map((e) => e.parts),
      rawBody,
    );
    const messages = new Array<Message>(events.length);
    for (let i = 0; i < events.length; i++) messages[i] = { key: events[i].key, value: values[i] };
    return messages;
  }
}
