import { ServiceMetrics, type Registry } from '@tessera/observability';

/** tessera_validation_pruned_* metrics of the periodic pruners. */
export function prunerMetrics(registry: Registry) {
  const metrics = new ServiceMetrics(registry, 'validation');
  return {
    pruned: metrics.counter<'table'>({
      what: 'pruned_rows',
      help: 'Expired rows deleted by the periodic pruners, by table (dedupe_keys, rejections)',
      labelNames: ['table'],
    }),
  };
}
