import { metricName } from '@tessera/observability';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Several runners of one service share a registry: the first registers a metric, the others reuse it. */
function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  return (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Gauge<L> {
  return (registry.getSingleMetric(name) as Gauge<L> | undefined) ?? new Gauge({ name, help, labelNames, registers: [registry] });
}

const BATCH_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class KafkaConsumerMetrics {
  readonly lag: Gauge<'group' | 'topic' | 'partition'>;
  readonly messages: Counter<'group' | 'topic' | 'outcome'>;
  readonly batchFailures: Counter<'group' | 'topic'>;
  readonly batchDuration: Histogram<'group' | 'topic'>;

  constructor(registry: Registry, service: string) {
    this.lag = gauge(
      registry,
      metricName(service, 'consumer_lag', 'messages', 'gauge'),
      'Messages behind the partition high watermark after the last processed batch',
      ['group', 'topic', 'partition'],
    );
    this.messages = counter(
      registry,
      metricName(service, 'consumer_messages', undefined, 'counter'),
      'Consumed messages by outcome: ok, dlq, drop, skipped (offset already applied), duplicate (outbox sequence or message id already applied)',
      ['group', 'topic', 'outcome'],
    );
    this.batchFailures = counter(
      registry,
      metricName(service, 'consumer_batch_failures', undefined, 'counter'),
      'Batch handler attempts that failed and were retried',
      ['group', 'topic'],
    );
    const durationName = metricName(service, 'consumer_batch_duration', 'seconds', 'histogram');
    this.batchDuration =
      (registry.getSingleMetric(durationName) as Histogram<'group' | 'topic'> | undefined) ??
      new Histogram({
        name: durationName,
        help: 'Time to apply one batch slice, transaction and Kafka offset commit included',
        labelNames: ['group', 'topic'],
        buckets: BATCH_SECONDS_BUCKETS,
        registers: [registry],
      });
  }
}

export class KafkaProducerMetrics {
  readonly messages: Counter<'topic'>;
  readonly batches: Counter<'result'>;
  readonly bufferedBytes: Gauge;

  constructor(registry: Registry, service: string) {
    this.messages = counter(
      registry,
      metricName(service, 'producer_messages', undefined, 'counter'),
      'Messages acknowledged by the broker',
      ['topic'],
    );
    this.batches = counter(
      registry,
      metricName(service, 'producer_batches', undefined, 'counter'),
      'sendBatch calls by result (ok, error)',
      ['result'],
    );
    this.bufferedBytes = gauge(
      registry,
      metricName(service, 'producer_buffered', 'bytes', 'gauge'),
      'Bytes buffered in the producer, queued or in flight',
      [],
    );
  }
}

export class OutboxRelayMetrics {
  readonly published: Counter<'topic'>;
  readonly failures: Counter;

  constructor(registry: Registry, service: string) {
    this.published = counter(
      registry,
      metricName(service, 'outbox_published_messages', undefined, 'counter'),
      'Outbox rows published to Kafka and removed',
      ['topic'],
    );
    this.failures = counter(
      registry,
      metricName(service, 'outbox_publish_failures', undefined, 'counter'),
      'Relay rounds that failed and rolled back (their rows are retried)',
      [],
    );
  }
}
