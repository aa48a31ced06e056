import type { Counter, Registry } from '@tessera/observability';
import { ServiceMetrics } from '@tessera/observability';

/** Rate-limit metrics: how many requests were refused with 429, per source. */
export class RateLimitMetrics {
  readonly limitedRequests: Counter<'source_id'>;

  constructor(registry: Registry, service: string) {
    const metrics = new ServiceMetrics(registry, service);
    this.limitedRequests = metrics.counter({
      what: 'rate_limited_requests',
      help: 'Requests answered 429 because the source exceeded its events/s limit',
      labelNames: ['source_id'],
    });
  }
}
