import { Inject, Injectable } from '@nestjs/common';
import type { Logger, Registry } from '@tessera/observability';
import type { Pool } from '@tessera/persistence';
import { METRICS_REGISTRY, PeriodicPruner, SERVICE_LOGGER, SERVICE_PG_POOL } from '@tessera/service-kit';
import { pruneDeliveryLog } from './delivery-log-pruning';
import { retentionMetrics } from './metrics';
import { RETENTION_SETTINGS, type RetentionSettings } from './retention-settings';

/**
 * Keeps the delivery log bounded: every ACTIVATION_PRUNE_INTERVAL_SECONDS it deletes finished deliveries older than
 * ACTIVATION_DELIVERY_RETENTION_DAYS (dead ones: ACTIVATION_DLQ_RETENTION_DAYS) with their attempts.
 */
@Injectable()
export class DeliveryLogPrunerService extends PeriodicPruner {
  constructor(
    @Inject(SERVICE_PG_POOL) pool: Pool,
    @Inject(RETENTION_SETTINGS) settings: RetentionSettings,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    const { pruned } = retentionMetrics(registry);
    super({
      what: 'expired deliveries',
      intervalMs: settings.pruneIntervalMs,
      logger,
      prune: async () => {
        const { deliveries, attempts } = await pruneDeliveryLog(pool, settings);
        pruned.labels({ table: 'delivery_attempts' }).inc(attempts);
        return deliveries;
      },
      onPruned: (deliveries) => pruned.labels({ table: 'deliveries' }).inc(deliveries),
    });
  }
}
