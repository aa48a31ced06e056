import { ServiceMetrics, type Registry } from '@tessera/observability';

/** tessera_validation_dedupe_* metrics. */
export function dedupeMetrics(registry: Registry) {
  const metrics = new ServiceMetrics(registry, 'validation');
  return {
    duplicates: metrics.counter<'kind'>({
      what: 'dedupe_duplicates',
      help: 'Items dropped because their (sourceId, messageId) was accepted within the window',
      labelNames: ['kind'],
    }),
  };
}

export type DedupeMetrics = ReturnType<typeof dedupeMetrics>;
