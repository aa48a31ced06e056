import type { Counter, Histogram, Registry } from '@tessera/observability';
import { ServiceMetrics } from '@tessera/observability';

/** Produce metrics: how long the broker takes to acknowledge a request's events, and how often it is too slow. */
export class PublishingMetrics {
  readonly ackDuration: Histogram<'topic' | 'result'>;
  readonly unavailable: Counter<'topic' | 'cause'>;

  constructor(registry: Registry, service: string) {
    const metrics = new ServiceMetrics(registry, service);
    this.ackDuration = metrics.histogram({
      what: 'produce_ack_duration',
      unit: 'seconds',
      help: "Time from handing a request's events to the producer until the broker acknowledged them (acks=all)",
      labelNames: ['topic', 'result'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.unavailable = metrics.counter({
      what: 'produce_unavailable_requests',
      help: 'Requests answered 503 because the broker failed or did not acknowledge within INGEST_ACK_TIMEOUT_MS',
      labelNames: ['topic', 'cause'],
    });
  }
}
