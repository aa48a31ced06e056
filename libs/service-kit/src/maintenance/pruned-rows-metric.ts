import { ServiceMetrics, type Registry } from '@tessera/observability';

/** tessera_<service>_pruned_rows_total{table}: the rows a service's periodic pruners deleted, by table. */
export function prunedRowsCounter(registry: Registry, service: string, tables: string) {
  return new ServiceMetrics(registry, service).counter<'table'>({
    what: 'pruned_rows',
    help: `Expired rows deleted by the periodic pruners, by table (${tables})`,
    labelNames: ['table'],
  });
}
