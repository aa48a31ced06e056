import { ServiceMetrics, type Registry } from '@tessera/observability';

/** tessera_validation_* metrics of the consume-validate-emit pipeline. */
export function pipelineMetrics(registry: Registry) {
  const metrics = new ServiceMetrics(registry, 'validation');
  return {
    accepted: metrics.counter<'kind'>({
      what: 'accepted_items',
      help: 'Events and records that passed validation and were emitted',
      labelNames: ['kind'],
    }),
    rejected: metrics.counter<'kind' | 'reason' | 'step'>({
      what: 'rejected_items',
      help: 'Events and records rejected to cdp.events.rejected, by reason and by the pipeline step that rejected them',
      labelNames: ['kind', 'reason', 'step'],
    }),
    testTraffic: metrics.counter<'kind'>({ what: 'test_items', help: 'Accepted items labelled as test traffic', labelNames: ['kind'] }),
    batchDuration: metrics.histogram({
      what: 'pipeline_batch_duration',
      unit: 'seconds',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      help: 'Time to validate, dedupe and stage one consumed slice (inside its transaction)',
    }),
  };
}

export type PipelineMetrics = ReturnType<typeof pipelineMetrics>;
