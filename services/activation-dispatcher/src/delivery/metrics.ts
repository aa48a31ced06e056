import { ServiceMetrics, type Registry } from '@tessera/observability';

/** tessera_activation_dispatcher_* metrics of deliveries, per destination (ServiceMetrics registers each once per registry). */
export function deliveryMetrics(registry: Registry) {
  const metrics = new ServiceMetrics(registry, 'activation-dispatcher');
  return {
    sent: metrics.counter<'destination'>({ what: 'deliveries_sent', help: 'Deliveries the destination took', labelNames: ['destination'] }),
    failed: metrics.counter<'destination' | 'status'>({
      what: 'deliveries_failed',
      help: 'Deliveries given up on: failed (refused for good, or an auth failure) or dead (out of attempts or age: the DLQ)',
      labelNames: ['destination', 'status'],
    }),
    attempts: metrics.counter<'destination' | 'outcome'>({
      what: 'send_attempts',
      help: 'Send calls by outcome (delivered, retry, terminal, auth_failed, partial, timeout, error)',
      labelNames: ['destination', 'outcome'],
    }),
    latency: metrics.histogram<'destination'>({
      what: 'send_duration',
      unit: 'seconds',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      help: 'Time of one send call to a destination',
      labelNames: ['destination'],
    }),
    queueDepth: metrics.gauge<'destination'>({
      what: 'queue_depth',
      unit: 'deliveries',
      help: 'Pending deliveries per destination (due or waiting for a retry)',
      labelNames: ['destination'],
    }),
    inFlight: metrics.gauge<'destination'>({
      what: 'in_flight',
      unit: 'batches',
      help: 'Batches being sent by this replica',
      labelNames: ['destination'],
    }),
    breakerState: metrics.gauge<'destination'>({
      what: 'breaker',
      unit: 'state',
      help: "A destination's circuit breaker on this replica: 0 closed, 1 open, 2 half-open, 3 isolated",
      labelNames: ['destination'],
    }),
  };
}

export type DeliveryMetrics = ReturnType<typeof deliveryMetrics>;
