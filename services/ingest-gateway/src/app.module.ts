import { Module } from '@nestjs/common';
import { DatabaseModule, MessagingModule } from '@tessera/service-kit';
import { GatewaySettingsModule } from './config/gateway-settings.module';
import { INGEST_GATEWAY_MIGRATIONS } from './database/migrations';
import { HttpModule } from './http/http.module';
import { RecordsModule } from './records/records.module';
import { SourcesModule } from './sources/sources.module';
import { TrackingModule } from './tracking/tracking.module';

/** ingest-gateway: Segment-spec tracking API and connector record intake. Wiring only; features live in their own modules. */
@Module({
  imports: [
    // Known write keys are answered from the source cache while the database is down: stay in the load balancer.
    DatabaseModule.forService({ migrations: INGEST_GATEWAY_MIGRATIONS, requiredForReadiness: false }),
    MessagingModule.forService(),
    GatewaySettingsModule,
    HttpModule,
    SourcesModule,
    TrackingModule,
    RecordsModule,
  ],
})
export class AppModule {}
