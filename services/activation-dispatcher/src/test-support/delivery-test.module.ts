import { Module, type Type } from '@nestjs/common';
import { createDestinationCatalog } from '@tessera/destinations';
import { DatabaseModule, MessagingModule } from '@tessera/service-kit';
import { ACTIVATION_DISPATCHER_MIGRATIONS } from '../database/migrations';
import { DeliveryModule } from '../delivery/delivery.module';
import type { DeliverySettings } from '../delivery/delivery-settings';
import { DestinationCatalogModule } from '../catalog/destination-catalog.module';
import { DestinationsModule } from '../destinations/destinations.module';
import { DlqModule } from '../dlq/dlq.module';

/** Quick enough for tests: polls every 20 ms, backoff of 10 ms doubling to 100 ms, 2 s attempt timeout. */
export const FAST_DELIVERY_SETTINGS: Partial<DeliverySettings> = {
  pollMs: 20,
  attemptTimeoutMs: 2_000,
  leaseMs: 10_000,
  backoffBaseMs: 10,
  backoffMaxMs: 100,
  breakerThreshold: 5,
  breakerHalfOpenMs: 500,
  queueDepthRefreshMs: 100,
};

/**
 * The dispatcher's delivery side with libs/destinations' real catalog, its DLQ and destinations APIs: what the delivery tests start. Without Kafka unless asked (the
 * outbox then only fills up); with it, the relay publishes cdp.activation.deliveries.
 */
export function deliveryTestModule(settings: Partial<DeliverySettings> = FAST_DELIVERY_SETTINGS, withKafka = false): Type {
  @Module({
    imports: [
      DatabaseModule.forService({ migrations: ACTIVATION_DISPATCHER_MIGRATIONS }),
      ...(withKafka ? [MessagingModule.forService()] : []),
      DestinationCatalogModule.forRoot(() => createDestinationCatalog()),
      DeliveryModule.forRoot(settings),
      DlqModule,
      // the admin API edits a destination as a user would (a new token for a lane backing off)
      DestinationsModule,
    ],
  })
  class DeliveryTestModule {}
  return DeliveryTestModule;
}
