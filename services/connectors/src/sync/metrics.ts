import { ServiceMetrics, type Registry } from '@tessera/observability';

/** tessera_connectors_* metrics of sync runs (ServiceMetrics registers each once per registry). */
export function syncMetrics(registry: Registry) {
  const metrics = new ServiceMetrics(registry, 'connectors');
  return {
    records: metrics.counter<'connector' | 'outcome'>({
      what: 'records',
      help: 'Records committed to the outbox at checkpoints (emitted), or refused by the service (rejected: no row key, another stream)',
      labelNames: ['connector', 'outcome'],
    }),
    runs: metrics.counter<'connector' | 'state'>({
      what: 'runs_finished',
      help: 'Runs that ended, by final state (succeeded, failed, cancelled)',
      labelNames: ['connector', 'state'],
    }),
    checkpoint: metrics.histogram<'connector'>({
      what: 'checkpoint_duration',
      unit: 'seconds',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      help: 'One checkpoint transaction: records into the outbox, the cursor, row keys and run progress',
      labelNames: ['connector'],
    }),
    active: metrics.gauge<never>({ what: 'runs_active', unit: 'runs', help: 'Runs this process is executing' }),
  };
}

export type SyncMetrics = ReturnType<typeof syncMetrics>;
