import { Inject, Injectable } from '@nestjs/common';
import type { Logger, Registry } from '@tessera/observability';
import type { Pool } from '@tessera/persistence';
import { METRICS_REGISTRY, SERVICE_LOGGER, SERVICE_PG_POOL } from '@tessera/service-kit';
import { VALIDATION_SETTINGS, type ValidationSettings } from '../config/validation-settings';
import { PeriodicPruner } from '../maintenance/periodic-pruner';
import { DedupeStore } from './dedupe-store';
import { dedupeMetrics } from './metrics';

/** Deletes expired dedupe keys periodically (batched deletes; correctness never depends on it, size does). */
@Injectable()
export class DedupePrunerService extends PeriodicPruner {
  constructor(
    @Inject(SERVICE_PG_POOL) pool: Pool,
    @Inject(VALIDATION_SETTINGS) settings: ValidationSettings,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
    store: DedupeStore,
  ) {
    const metrics = dedupeMetrics(registry);
    super({
      what: 'expired dedupe keys',
      intervalMs: settings.dedupePruneIntervalMs,
      logger,
      prune: () => store.prune(pool, settings.dedupeWindowMs),
      onPruned: (deleted) => metrics.pruned.inc(deleted),
    });
  }
}
