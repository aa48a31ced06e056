import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, Registry } from '@tessera/observability';
import type { Pool } from '@tessera/persistence';
import { METRICS_REGISTRY, SERVICE_LOGGER, SERVICE_PG_POOL } from '@tessera/service-kit';
import { VALIDATION_SETTINGS, type ValidationSettings } from '../config/validation-settings';
import { DedupeStore } from './dedupe-store';
import { dedupeMetrics, type DedupeMetrics } from './metrics';

/** Deletes expired dedupe keys periodically (batched deletes; correctness never depends on it, size does). */
@Injectable()
export class DedupePrunerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly metrics: DedupeMetrics;

  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    @Inject(VALIDATION_SETTINGS) private readonly settings: ValidationSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly store: DedupeStore,
  ) {
    this.metrics = dedupeMetrics(registry);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pruneNow(), this.settings.dedupePruneIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pruning pass; concurrent calls share the pass in flight. */
  pruneNow(): Promise<void> {
    this.running ??= this.store
      .prune(this.pool, this.settings.dedupeWindowMs)
      .then((deleted) => {
        this.metrics.pruned.inc(deleted);
        if (deleted > 0) this.logger.info({ deleted }, 'pruned expired dedupe keys');
      })
      .catch((err: unknown) => this.logger.warn({ err }, 'dedupe prune failed'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
