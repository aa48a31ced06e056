import { prunedRowsCounter } from '@tessera/service-kit';
import type { Registry } from '@tessera/observability';

/** tessera_validation_pruned_* metrics of the periodic pruners. */
export function prunerMetrics(registry: Registry) {
  return { pruned: prunedRowsCounter(registry, 'validation', 'dedupe_keys, rejections') };
}
