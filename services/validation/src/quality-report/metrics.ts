import { ServiceMetrics, type Registry } from '@tessera/observability';
import type { ItemObservations } from './item-observations';

/** tessera_validation_input_values_total: the report's counters as a metric, for dashboards and alerts. */
export function inputQualityMetrics(registry: Registry) {
  const metrics = new ServiceMetrics(registry, 'validation');
  const values = metrics.counter<'field' | 'verdict'>({
    what: 'input_values',
    help: 'Emails, phones and transactions seen in the input, by whether they were valid (well-formed for transactions)',
    labelNames: ['field', 'verdict'],
  });
  return {
    values,
    observe(o: ItemObservations): void {
      if (o.emailsSeen) {
        values.inc({ field: 'email', verdict: 'valid' }, o.emailsValid);
        values.inc({ field: 'email', verdict: 'invalid' }, o.emailsSeen - o.emailsValid);
      }
      if (o.phonesSeen) {
        values.inc({ field: 'phone', verdict: 'valid' }, o.phonesValid);
        values.inc({ field: 'phone', verdict: 'invalid' }, o.phonesSeen - o.phonesValid);
      }
      if (o.transactionsSeen) {
        values.inc({ field: 'transaction', verdict: 'valid' }, o.transactionsWellFormed);
        values.inc({ field: 'transaction', verdict: 'invalid' }, o.transactionsSeen - o.transactionsWellFormed);
      }
    },
  };
}

export type InputQualityMetrics = ReturnType<typeof inputQualityMetrics>;
