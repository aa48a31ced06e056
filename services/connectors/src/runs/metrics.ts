import { ServiceMetrics, type Registry } from '@tessera/observability';

/** tessera_connectors_* metrics of the runs' downstream rejections (ServiceMetrics registers each once per registry). */
export function runRejectionMetrics(registry: Registry) {
  const metrics = new ServiceMetrics(registry, 'connectors');
  return {
    counted: metrics.counter<never>({
      what: 'downstream_rejections',
      help: "Records of a run that a later service dead-lettered, counted on the run's recordsRejected (once per record)",
    }),
  };
}

export type RunRejectionMetrics = ReturnType<typeof runRejectionMetrics>;
