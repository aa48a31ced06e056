import type { Counter, Histogram, Registry } from '@tessera/observability';
import { ServiceMetrics } from '@tessera/observability';

/** Tracking API metrics: events accepted and rejected (by reason), and request latency per endpoint. */
export class TrackingMetrics {
  readonly accepted: Counter<'endpoint'>;
  readonly rejected: Counter<'endpoint' | 'reason'>;
  readonly requestDuration: Histogram<'endpoint' | 'outcome'>;

  constructor(registry: Registry, service: string) {
    const metrics = new ServiceMetrics(registry, service);
    this.accepted = metrics.counter({
      what: 'events_accepted',
      help: 'Events acknowledged to the client after the broker acknowledged them',
      labelNames: ['endpoint'],
    });
    this.rejected = metrics.counter({
      what: 'events_rejected',
      help: 'Events refused by a handler, by reason (unauthorized, invalid_body, rate_limited, broker_unavailable); a refused request whose events cannot be counted counts 1',
      labelNames: ['endpoint', 'reason'],
    });
    this.requestDuration = metrics.histogram({
      what: 'tracking_request_duration',
      unit: 'seconds',
      help: 'Tracking API handler time, body parsed to answer, by endpoint and outcome (accepted or the rejection reason)',
      labelNames: ['endpoint', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
  }
}
