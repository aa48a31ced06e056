import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, Registry } from '@tessera/observability';
import type { Pool } from '@tessera/persistence';
import { METRICS_REGISTRY, SERVICE_LOGGER, SERVICE_PG_POOL } from '@tessera/service-kit';
import { VALIDATION_SETTINGS, type ValidationSettings } from '../config/validation-settings';
import { rejectionMetrics, type RejectionMetrics } from './metrics';
import { RejectionStore } from './rejection-store';

/** Deletes stored rejections older than VALIDATION_REJECTIONS_RETENTION_DAYS (the DLQ topic keeps them 30 days too). */
@Injectable()
export class RejectionsPrunerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly metrics: RejectionMetrics;

  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    @Inject(VALIDATION_SETTINGS) private readonly settings: ValidationSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly store: RejectionStore,
  ) {
    this.metrics = rejectionMetrics(registry);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pruneNow(), this.settings.dedupePruneIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  pruneNow(): Promise<void> {
    this.running ??= this.store
      .prune(this.pool, this.settings.rejectionsRetentionMs)
      .then((deleted) => {
        this.metrics.pruned.inc(deleted);
        if (deleted > 0) this.logger.info({ deleted }, 'pruned expired rejections');
      })
      .catch((err: unknown) => this.logger.warn({ err }, 'rejections prune failed'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
