import { ServiceMetrics } from '@tessera/observability';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';

// Several runners of one service share a registry: ServiceMetrics registers each metric once and reuses it after.

export class KafkaConsumerMetrics {
  readonly lag: Gauge<'group' | 'topic' | 'partition'>;
  readonly messages: Counter<'group' | 'topic' | 'outcome'>;
  readonly batchFailures: Counter<'group' | 'topic'>;
  readonly batchDuration: Histogram<'group' | 'topic'>;

  constructor(registry: Registry, service: string) {
    const metrics = new ServiceMetrics(registry, service);
    this.lag = metrics.gauge({
      what: 'consumer_lag',
      unit: 'messages',
      help: 'Messages behind the partition high watermark after the last processed batch',
      labelNames: ['group', 'topic', 'partition'],
    });
    this.messages = metrics.counter({
      what: 'consumer_messages',
      help: 'Consumed messages by outcome: ok, dlq, drop, skipped (offset already applied), duplicate (outbox sequence already applied)',
      labelNames: ['group', 'topic', 'outcome'],
    });
    this.batchFailures = metrics.counter({
      what: 'consumer_batch_failures',
      help: 'Batch handler attempts that failed and were retried',
      labelNames: ['group', 'topic'],
    });
    this.batchDuration = metrics.histogram({
      what: 'consumer_batch_duration',
      unit: 'seconds',
      help: 'Time to apply one batch slice, transaction and Kafka offset commit included',
      labelNames: ['group', 'topic'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
  }
}

export class KafkaProducerMetrics {
  readonly messages: Counter<'topic'>;
  readonly batches: Counter<'result'>;
  readonly bufferedBytes: Gauge;

  constructor(registry: Registry, service: string) {
    const metrics = new ServiceMetrics(registry, service);
    this.messages = metrics.counter({ what: 'producer_messages', help: 'Messages acknowledged by the broker', labelNames: ['topic'] });
    this.batches = metrics.counter({ what: 'producer_batches', help: 'sendBatch calls by result (ok, error)', labelNames: ['result'] });
    this.bufferedBytes = metrics.gauge({
      what: 'producer_buffered',
      unit: 'bytes',
      help: 'Bytes buffered in the producer, queued or in flight',
    });
  }
}

export class OutboxRelayMetrics {
  readonly published: Counter<'topic'>;
  readonly failures: Counter;

  constructor(registry: Registry, service: string) {
    const metrics = new ServiceMetrics(registry, service);
    this.published = metrics.counter({
      what: 'outbox_published_messages',
      help: 'Outbox rows published to Kafka and removed',
      labelNames: ['topic'],
    });
    this.failures = metrics.counter({
      what: 'outbox_publish_failures',
      help: 'Relay rounds that failed and rolled back (their rows are retried)',
    });
  }
}
