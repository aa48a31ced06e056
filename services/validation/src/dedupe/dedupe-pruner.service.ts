import { Inject, Injectable } from '@nestjs/common';
import type { Logger, Registry } from '@tessera/observability';
import type { Pool } from '@tessera/persistence';
import { METRICS_REGISTRY, PeriodicPruner, SERVICE_LOGGER, SERVICE_PG_POOL } from '@tessera/service-kit';
import { VALIDATION_SETTINGS, type ValidationSettings } from '../config/validation-settings';
import { expiredRowsPruner } from '../maintenance/expired-rows';
import { DEDUPE_KEYS } from './dedupe-store';

/** Deletes dedupe keys older than the window (VALIDATION_DEDUPE_WINDOW_HOURS): the table stays the window's size. */
@Injectable()
export class DedupePrunerService extends PeriodicPruner {
  constructor(
    @Inject(SERVICE_PG_POOL) pool: Pool,
    @Inject(VALIDATION_SETTINGS) settings: ValidationSettings,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    super(
      expiredRowsPruner({
        db: pool,
        expiring: DEDUPE_KEYS,
        retentionMs: settings.dedupeWindowMs,
        intervalMs: settings.pruneIntervalMs,
        logger,
        registry,
      }),
    );
  }
}
