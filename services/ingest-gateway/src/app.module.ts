import { Module } from '@nestjs/common';
import { DatabaseModule, MessagingModule } from '@tessera/service-kit';
import { INGEST_GATEWAY_MIGRATIONS } from './database/migrations';

/** ingest-gateway: Segment-spec tracking API and connector record intake. Wiring only; features live in their own modules. */
@Module({
  imports: [DatabaseModule.forService({ migrations: INGEST_GATEWAY_MIGRATIONS }), MessagingModule.forService()],
})
export class AppModule {}
