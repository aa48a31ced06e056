import { Inject, Injectable } from '@nestjs/common';
import type { Logger, Registry } from '@tessera/observability';
import type { Pool } from '@tessera/persistence';
import { METRICS_REGISTRY, PeriodicPruner, SERVICE_LOGGER, SERVICE_PG_POOL } from '@tessera/service-kit';
import { VALIDATION_SETTINGS, type ValidationSettings } from '../config/validation-settings';
import { expiredRowsPruner } from '../maintenance/expired-rows';
import { REJECTIONS } from './rejection-store';

/** Deletes stored rejections older than VALIDATION_REJECTIONS_RETENTION_DAYS (the DLQ topic keeps them 30 days too). */
@Injectable()
export class RejectionsPrunerService extends PeriodicPruner {
  constructor(
    @Inject(SERVICE_PG_POOL) pool: Pool,
    @Inject(VALIDATION_SETTINGS) settings: ValidationSettings,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    super(
      expiredRowsPruner({
        db: pool,
        expiring: REJECTIONS,
        retentionMs: settings.rejectionsRetentionMs,
        intervalMs: settings.pruneIntervalMs,
        logger,
        registry,
      }),
    );
  }
}
