import { ServiceMetrics, type CounterTally, type Registry } from '@tessera/observability';
import type { ItemObservations } from './item-observations';

/** tessera_validation_input_values_total: the report's counters as a metric, for dashboards and alerts. */
export function inputQualityMetrics(registry: Registry) {
  const metrics = new ServiceMetrics(registry, 'validation');
  const values = metrics.counter<'field' | 'verdict'>({
    what: 'input_values',
    help: 'Emails, phones and transactions seen in the input, by whether they were valid (well-formed for transactions)',
    labelNames: ['field', 'verdict'],
  });
  const repaired = metrics.counter<'what'>({
    what: 'repaired_values',
    help: 'Values validation removed or replaced instead of rejecting the item: blocked identifiers, far-future timestamps, text with NUL bytes or lone surrogates',
    labelNames: ['what'],
  });
  return {
    values,
    repaired,
    /** Tallies one item's observations (added to the counter when the consumer's transaction commits). */
    observe(o: ItemObservations, counts: CounterTally): void {
      if (o.emailsSeen) {
        counts.add(values, { field: 'email', verdict: 'valid' }, o.emailsValid);
        counts.add(values, { field: 'email', verdict: 'invalid' }, o.emailsSeen - o.emailsValid);
      }
      if (o.phonesSeen) {
        counts.add(values, { field: 'phone', verdict: 'valid' }, o.phonesValid);
        counts.add(values, { field: 'phone', verdict: 'invalid' }, o.phonesSeen - o.phonesValid);
      }
      if (o.transactionsSeen) {
        counts.add(values, { field: 'transaction', verdict: 'valid' }, o.transactionsWellFormed);
        counts.add(values, { field: 'transaction', verdict: 'invalid' }, o.transactionsSeen - o.transactionsWellFormed);
      }
      if (o.blockedIdentifiersRemoved) counts.add(repaired, { what: 'blocked_identifier' }, o.blockedIdentifiersRemoved);
      if (o.futureTimestampsReplaced) counts.add(repaired, { what: 'future_timestamp' }, o.futureTimestampsReplaced);
      if (o.textsRepaired) counts.add(repaired, { what: 'text' }, o.textsRepaired);
    },
  };
}

export type InputQualityMetrics = ReturnType<typeof inputQualityMetrics>;
