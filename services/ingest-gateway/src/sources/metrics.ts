import type { Counter, Registry } from '@tessera/observability';
import { ServiceMetrics } from '@tessera/observability';

/** Write-key lookups while the database does not answer. */
export class SourceLookupMetrics {
  readonly outcomes: Counter<'outcome'>;

  constructor(registry: Registry, service: string) {
    this.outcomes = new ServiceMetrics(registry, service).counter({
      what: 'source_lookup_failures',
      help: 'Write-key lookups the database failed: answered from the last good cache entry (stale) or with 503 (unavailable)',
      labelNames: ['outcome'],
    });
  }
}
