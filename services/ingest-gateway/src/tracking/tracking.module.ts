import { Module } from '@nestjs/common';
import { PublishingModule } from '../publishing/publishing.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { SourcesModule } from '../sources/sources.module';
import { DirectTrackingRoutes } from './direct-tracking-routes';
import { TrackingController } from './tracking.controller';
import { TrackingCors } from './tracking-cors';
import { TrackingEndpoints } from './tracking-endpoints';
import { TrackingService } from './tracking.service';

/** Segment HTTP Tracking API -> cdp.events.raw. */
@Module({
  imports: [SourcesModule, RateLimitModule, PublishingModule],
  controllers: [TrackingController],
  providers: [TrackingService, TrackingEndpoints, DirectTrackingRoutes, TrackingCors],
})
export class TrackingModule {}
