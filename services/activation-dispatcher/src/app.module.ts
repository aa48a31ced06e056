import { Module } from '@nestjs/common';
import { DatabaseModule, MessagingModule } from '@tessera/service-kit';
import { ACTIVATION_DISPATCHER_MIGRATIONS } from './database/migrations';
import { DeliveryModule } from './delivery/delivery.module';
import { DestinationCatalogModule } from './catalog/destination-catalog.module';
import { noDestinationCatalog } from './catalog/no-destination-catalog';
import { DlqModule } from './dlq/dlq.module';

/** activation-dispatcher: destinations, syncs and the delivery log. Wiring only; features live in their own modules. */
@Module({
  imports: [
    DatabaseModule.forService({ migrations: ACTIVATION_DISPATCHER_MIGRATIONS }),
    MessagingModule.forService(),
    DestinationCatalogModule.forRoot(noDestinationCatalog),
    DeliveryModule.forRoot(),
    DlqModule,
  ],
})
export class AppModule {}
