import { ServiceMetrics, type Registry } from '@tessera/observability';

/** tessera_validation_tracking_plan_* metrics. */
export function trackingPlanMetrics(registry: Registry) {
  const metrics = new ServiceMetrics(registry, 'validation');
  return {
    violations: metrics.counter<'reason' | 'mode'>({
      what: 'tracking_plan_violations',
      help: 'Tracking-plan violations found, by reason and by the plan mode (reject: event rejected; flag: passed with the violation recorded)',
      labelNames: ['reason', 'mode'],
    }),
  };
}

export type TrackingPlanMetrics = ReturnType<typeof trackingPlanMetrics>;
