import type { Counter, Registry } from '@tessera/observability';
import { ServiceMetrics } from '@tessera/observability';

/** Profile-record intake metrics. */
export class RecordsMetrics {
  readonly accepted: Counter;
  readonly rejected: Counter<'reason'>;

  constructor(registry: Registry, service: string) {
    const metrics = new ServiceMetrics(registry, service);
    this.accepted = metrics.counter({ what: 'records_accepted', help: 'Profile records acknowledged after the broker acknowledged them' });
    this.rejected = metrics.counter({
      what: 'records_rejected',
      help: 'Profile records refused by POST /v1/records, by reason (unauthorized, invalid_body, rate_limited, broker_unavailable); a refused request whose records cannot be counted counts 1',
      labelNames: ['reason'],
    });
  }
}
