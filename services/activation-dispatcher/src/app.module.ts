import { Module } from '@nestjs/common';
import { DatabaseModule, MessagingModule } from '@tessera/service-kit';
import { ACTIVATION_DISPATCHER_MIGRATIONS } from './database/migrations';

/** activation-dispatcher: destinations, syncs and the delivery log. Wiring only; features live in their own modules. */
@Module({
  imports: [DatabaseModule.forService({ migrations: ACTIVATION_DISPATCHER_MIGRATIONS }), MessagingModule.forService()],
})
export class AppModule {}
