import { ServiceMetrics, type Registry } from '@tessera/observability';

/** tessera_segment_evaluator_* metrics of membership decisions (ServiceMetrics registers each once per registry). */
export function evaluationMetrics(registry: Registry) {
  const metrics = new ServiceMetrics(registry, 'segment-evaluator');
  return {
    membershipChanges: metrics.counter<'trigger' | 'change'>({
      what: 'membership_changes',
      help: 'Enters and exits decided, by trigger (profile_change, event, timer, backfill) and change',
      labelNames: ['trigger', 'change'],
    }),
    sliceDuration: metrics.histogram({
      what: 'slice_duration',
      unit: 'seconds',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      help: 'Time to apply one consumed slice (inside its transaction)',
    }),
  };
}

export type EvaluationMetrics = ReturnType<typeof evaluationMetrics>;
