import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { rawBodyOf } from '../http/ingest-body-parser';
import { rejectionReason, setRetryAfter } from '../http/ingest-exceptions';
import type { SegmentCallType } from './segment-event-mapper';
import { TrackingService, type IngestRequest } from './tracking.service';

const SUCCESS = { success: true } as const;
export type TrackingAnswer = typeof SUCCESS;

/**
 * What each tracking route does with a parsed request: ingest it, count it in the metrics, and answer
 * `{ "success": true }` once the broker acknowledged it, or throw the HTTP error (with Retry-After on 429 and 503)
 * that the JSON error filter answers. Shared by the Nest controller and the direct Fastify routes, so both answer
 * alike.
 */
@Injectable()
export class TrackingEndpoints {
  constructor(private readonly tracking: TrackingService) {}

  /** /v1/track, /identify, ...: the endpoint fixes the type. */
  single(type: SegmentCallType, req: FastifyRequest, reply: FastifyReply, body: unknown): Promise<TrackingAnswer> {
    const request = ingestRequest(req, body);
    return this.measured(type, reply, 1, () => this.tracking.ingestSingle(type, request));
  }

  /**
   * /v1/batch, /v1/import, /v1/b. The parsed body is not captured here (only its event count, for the metrics of a
   * refusal), and Fastify's reference to it is dropped once the events are encoded (see TrackingService).
   */
  batch(req: FastifyRequest, reply: FastifyReply, body: unknown): Promise<TrackingAnswer> {
    const eventCount = countBatchEvents(body);
    const request = ingestRequest(req, body);
    request.releaseBody = () => {
      req.body = undefined;
    };
    return this.measured('batch', reply, eventCount, () => this.tracking.ingestBatch(request));
  }

  private async measured(
    endpoint: string,
    reply: FastifyReply,
    eventCount: number,
    ingest: () => Promise<number>,
  ): Promise<TrackingAnswer> {
    const { metrics } = this.tracking;
    const started = process.hrtime.bigint();
    try {
      const events = await ingest();
      metrics.accepted.inc({ endpoint }, events);
      metrics.requestDuration.observe({ endpoint, outcome: 'accepted' }, Number(process.hrtime.bigint() - started) / 1e9);
      return SUCCESS;
    } catch (error) {
      const reason = rejectionReason(error);
      metrics.rejected.inc({ endpoint, reason }, eventCount);
      metrics.requestDuration.observe({ endpoint, outcome: reason }, Number(process.hrtime.bigint() - started) / 1e9);
      setRetryAfter(reply, error);
      throw error;
    }
  }
}

function ingestRequest(req: FastifyRequest, body: unknown): IngestRequest {
  const rawBody = rawBodyOf(req);
  return { authorization: req.headers.authorization, body, rawBody, bodyBytes: rawBody?.length ?? 0, receivedAt: Date.now() };
}

/** What a refused batch counts in the metrics: its events, or 1 when it has none to count. */
function countBatchEvents(body: unknown): number {
  const batch = (body as { batch?: unknown } | null)?.batch;
  return Array.isArray(batch) && batch.length > 0 ? batch.length : 1;
}
