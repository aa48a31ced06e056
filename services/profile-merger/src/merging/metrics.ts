import { ServiceMetrics, type Registry } from '@tessera/observability';

/** tessera_profile_merger_* metrics of the merging pipeline. */
export function mergingMetrics(registry: Registry) {
  const metrics = new ServiceMetrics(registry, 'profile-merger');
  return {
    items: metrics.counter<'kind'>({
      what: 'applied_items',
      help: 'Resolved events and records folded into profiles',
      labelNames: ['kind'],
    }),
    identityChanges: metrics.counter<'kind' | 'outcome'>({
      what: 'identity_changes',
      help: 'Identity changes by kind and outcome (applied, already_applied, pending)',
      labelNames: ['kind', 'outcome'],
    }),
    profileChanges: metrics.counter({ what: 'profile_changes', help: 'cdp.profiles.changed messages staged in the outbox' }),
    batchDuration: metrics.histogram({
      what: 'batch_duration',
      unit: 'seconds',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      help: 'Time to fold one consumed slice into profiles (inside its transaction)',
    }),
  };
}

export type MergingMetrics = ReturnType<typeof mergingMetrics>;
