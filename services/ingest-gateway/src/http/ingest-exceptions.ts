import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { BrokerUnavailable } from '../publishing/durable-publisher';
import { RateLimitExceeded } from '../rate-limit/source-rate-limiter';
import { SourceLookupUnavailable } from '../sources/source-lookup-unavailable';

export type RejectionReason = 'unauthorized' | 'invalid_body' | 'rate_limited' | 'broker_unavailable' | 'database_unavailable' | 'error';

/** The metric reason of an error a handler threw. */
export function rejectionReason(error: unknown): RejectionReason {
  if (error instanceof RateLimitExceeded) return 'rate_limited';
  if (error instanceof BrokerUnavailable) return 'broker_unavailable';
  if (error instanceof SourceLookupUnavailable) return 'database_unavailable';
  if (error instanceof HttpException) {
    if (error.getStatus() === HttpStatus.UNAUTHORIZED) return 'unauthorized';
    if (error.getStatus() < 500) return 'invalid_body';
  }
  return 'error';
}

/** 429 and 503 tell the client when to come back; the JSON error filter keeps headers already set. */
export function setRetryAfter(reply: FastifyReply, error: unknown): void {
  if (error instanceof RateLimitExceeded || error instanceof BrokerUnavailable || error instanceof SourceLookupUnavailable) {
    void reply.header('retry-after', String(error.retryAfterSeconds));
  }
}
