import { Inject, Injectable } from '@nestjs/common';
import { Topics, contractHeaders, encode } from '@tessera/contracts';
import type { Registry } from '@tessera/observability';
import { METRICS_REGISTRY, SERVICE_KIT_OPTIONS, type ResolvedServiceKitOptions } from '@tessera/service-kit';
import { splitFieldMapping } from '@tessera/record-mapping';
import { randomUUID } from 'node:crypto';
import type { Message } from 'kafkajs';
import { JsonBodyValidator, invalidBody } from '@tessera/service-kit';
import { DurablePublisher } from '../publishing/durable-publisher';
import { SourceRateLimiter } from '../rate-limit/source-rate-limiter';
import { WriteKeyAuthenticator } from '../sources/write-key-authenticator';
import { unreadableClock } from '../tracking/call-requirements';
import { RecordsMetrics } from './metrics';
import { RECORDS_BODY_SCHEMA, type RecordsBody } from './records.schema';

const RAW_RECORD_HEADERS = contractHeaders(Topics.RecordsRaw);
const recordsBody = new JsonBodyValidator<RecordsBody>(RECORDS_BODY_SCHEMA, { allErrors: false });

/** Profile records from business systems -> cdp.records.raw, keyed sourceId:recordId (per-record order). */
@Injectable()
export class RecordsService {
  readonly metrics: RecordsMetrics;

  constructor(
    private readonly authenticator: WriteKeyAuthenticator,
    private readonly rateLimiter: SourceRateLimiter,
    private readonly publisher: DurablePublisher,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(SERVICE_KIT_OPTIONS) options: ResolvedServiceKitOptions,
  ) {
    this.metrics = new RecordsMetrics(registry, options.name);
  }

  /** Returns the number of records acknowledged. */
  async ingest(authorization: string | undefined, body: unknown, receivedAt: number): Promise<number> {
    const source = await this.authenticator.authenticate(authorization, body);
    const input = recordsBody.parse(body);
    const clocks = input.records.flatMap((record, index) => {
      const message = unreadableClock(record.observedAt);
      return message ? [{ path: `/records/${index}/observedAt`, message }] : [];
    });
    if (clocks.length > 0) throw invalidBody(clocks);
    this.rateLimiter.charge(source, input.records.length);
    const messages: Message[] = input.records.map((record) => ({
      key: `${source.id}:${record.recordId}`,
      value: encode(Topics.RecordsRaw, {
        messageId: record.messageId ?? randomUUID(),
        sourceId: source.id,
        receivedAt,
        objectType: record.objectType ?? null,
        recordId: record.recordId,
        ...splitFieldMapping({ ...input.mapping, ...record.mapping }),
        attributes: JSON.stringify(record.attributes),
        observedAt: record.observedAt ?? null,
        origin: null,
      }),
      headers: RAW_RECORD_HEADERS,
    }));
    await this.publisher.publish(Topics.RecordsRaw, messages);
    return messages.length;
  }
}
