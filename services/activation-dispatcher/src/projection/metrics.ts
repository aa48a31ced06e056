import { ServiceMetrics, type Registry } from '@tessera/observability';

/** tessera_activation_dispatcher_* metrics of what the consumer enqueues (ServiceMetrics registers each once per registry). */
export function enqueueMetrics(registry: Registry) {
  const metrics = new ServiceMetrics(registry, 'activation-dispatcher');
  return {
    enqueued: metrics.counter<'topic' | 'status'>({
      what: 'deliveries_enqueued',
      help: 'Deliveries enqueued by the consumer, by input topic and status (pending, suppressed, pending_suppressed: a pending send suppressed later)',
      labelNames: ['topic', 'status'],
    }),
    sliceDuration: metrics.histogram({
      what: 'input_slice_duration',
      unit: 'seconds',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      help: 'Time to apply one consumed slice (inside its transaction)',
    }),
  };
}

export type EnqueueMetrics = ReturnType<typeof enqueueMetrics>;
