import type { Registry } from '@tessera/observability';
import { prunedRowsCounter } from '@tessera/service-kit';

/** tessera_activation_dispatcher_pruned_rows_total{table}: what the delivery-log pruner deleted. */
export function retentionMetrics(registry: Registry) {
  return { pruned: prunedRowsCounter(registry, 'activation-dispatcher', 'deliveries, delivery_attempts') };
}
