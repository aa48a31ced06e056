import { Module, type DynamicModule } from '@nestjs/common';
import { createDestinationCatalog, type DestinationCatalog } from '@tessera/destinations';
import { DatabaseModule, MessagingModule } from '@tessera/service-kit';
import { DestinationCatalogModule } from './catalog/destination-catalog.module';
import { ACTIVATION_DISPATCHER_MIGRATIONS } from './database/migrations';
import { DeliveryModule } from './delivery/delivery.module';
import type { DeliverySettings } from './delivery/delivery-settings';
import { DeliveryLogModule } from './delivery-log/delivery-log.module';
import { DestinationsModule } from './destinations/destinations.module';
import { DlqModule } from './dlq/dlq.module';
import { MirrorModule } from './mirror/mirror.module';
import { ProjectionModule } from './projection/projection.module';
import { RetentionModule } from './retention/retention.module';
import { SuppressionsModule } from './suppressions/suppressions.module';
import { SyncsModule } from './syncs/syncs.module';

const features = (delivery: Partial<DeliverySettings> = {}) => [
  DatabaseModule.forService({ migrations: ACTIVATION_DISPATCHER_MIGRATIONS }),
  MessagingModule.forService(),
  ProjectionModule,
  DestinationsModule,
  SyncsModule,
  MirrorModule,
  SuppressionsModule,
  DeliveryLogModule,
  DeliveryModule.forRoot(delivery),
  DlqModule,
  RetentionModule.forRoot(),
];

/** activation-dispatcher: destinations, syncs, delivery and the delivery log. Wiring only; features live in their own modules. */
@Module({ imports: [...features(), DestinationCatalogModule.forRoot(() => createDestinationCatalog())] })
export class AppModule {}

class ActivationDispatcherWithCatalog {}

/** The same service with another destination catalog and delivery settings (tests: local receivers, short polls). */
export function appModuleWithCatalog(catalog: () => DestinationCatalog, delivery: Partial<DeliverySettings> = {}): DynamicModule {
  return { module: ActivationDispatcherWithCatalog, imports: [...features(delivery), DestinationCatalogModule.forRoot(catalog)] };
}
