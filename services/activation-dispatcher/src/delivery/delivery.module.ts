import { Module, type DynamicModule } from '@nestjs/common';
import { DeliveryClaimRepository } from './delivery-claim.repository';
import { OffsetClock } from '@tessera/service-kit';
import { DeliveryOutcomeRepository } from './delivery-outcome.repository';
import { DELIVERY_SETTINGS, loadDeliverySettings, resolveDeliverySettings, type DeliverySettings } from './delivery-settings';
import { DeliveryStatusController } from './delivery-status.controller';
import { DeliveryStatusService } from './delivery-status.service';
import { DeliveryWorker } from './delivery.worker';

/** From a pending delivery row to its final status: the per-destination lanes, outcomes, and the status API. Needs DESTINATION_CATALOG. */
@Module({})
export class DeliveryModule {
  /** Settings from the ACTIVATION_* environment, with `settings` on top (tests). */
  static forRoot(settings: Partial<DeliverySettings> = {}): DynamicModule {
    return {
      module: DeliveryModule,
      global: true,
      controllers: [DeliveryStatusController],
      providers: [
        { provide: DELIVERY_SETTINGS, useFactory: () => resolveDeliverySettings(settings, loadDeliverySettings()) },
        OffsetClock,
        DeliveryClaimRepository,
        DeliveryOutcomeRepository,
        DeliveryWorker,
        DeliveryStatusService,
      ],
      exports: [DeliveryWorker, OffsetClock],
    };
  }
}
