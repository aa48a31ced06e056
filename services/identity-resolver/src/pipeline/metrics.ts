import { ServiceMetrics, type Registry } from '@tessera/observability';

/** tessera_identity_resolver_* metrics of the resolution pipeline. */
export function resolutionMetrics(registry: Registry) {
  const metrics = new ServiceMetrics(registry, 'identity-resolver');
  return {
    resolved: metrics.counter<'kind' | 'outcome'>({
      what: 'items_resolved',
      help: 'Events and records resolved, by outcome (created, attached, merged, unresolvable)',
      labelNames: ['kind', 'outcome'],
    }),
    merges: metrics.counter<'rule'>({ what: 'profile_merges', help: 'Profiles absorbed into a survivor, by rule', labelNames: ['rule'] }),
    dropped: metrics.counter<'reason'>({
      what: 'identifiers_dropped',
      help: 'Identifiers an item carried that did not link, by reason',
      labelNames: ['reason'],
    }),
    suspects: metrics.counter({ what: 'suspect_values', help: 'Values newly flagged as suspect (seen with too many distinct user_ids)' }),
    sliceDuration: metrics.histogram({
      what: 'slice_resolution_duration',
      unit: 'seconds',
      help: 'Lock, load, resolve and persist time of one consumed slice',
    }),
  };
}

export type ResolutionMetrics = ReturnType<typeof resolutionMetrics>;
