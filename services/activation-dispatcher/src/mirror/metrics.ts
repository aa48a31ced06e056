import { ServiceMetrics, type Registry } from '@tessera/observability';

/** tessera_activation_dispatcher_mirror_* metrics (ServiceMetrics registers each once per registry). */
export function mirrorMetrics(registry: Registry) {
  const metrics = new ServiceMetrics(registry, 'activation-dispatcher');
  return {
    runs: metrics.counter<'source'>({
      what: 'mirror_runs',
      help: 'Mirror diffs run, by what the destination side came from (destination: listed by the adapter; last_sent)',
      labelNames: ['source'],
    }),
    enqueued: metrics.counter<'action'>({
      what: 'mirror_deliveries',
      help: 'Deliveries a mirror diff enqueued, by action (add, remove) and suppressed',
      labelNames: ['action'],
    }),
  };
}

export type MirrorMetrics = ReturnType<typeof mirrorMetrics>;
