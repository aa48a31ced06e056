import { ServiceMetrics, type Registry } from '@tessera/observability';

/** tessera_validation_rejections_* metrics. */
export function rejectionMetrics(registry: Registry) {
  const metrics = new ServiceMetrics(registry, 'validation');
  return {
    stored: metrics.counter({ what: 'rejections_stored', help: 'DLQ records materialized into the rejections store' }),
    replayed: metrics.counter({ what: 'rejections_replayed', help: 'Rejections re-submitted to their original topic' }),
  };
}

export type RejectionMetrics = ReturnType<typeof rejectionMetrics>;
