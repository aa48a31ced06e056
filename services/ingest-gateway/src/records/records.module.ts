import { Module } from '@nestjs/common';
import { PublishingModule } from '../publishing/publishing.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { SourcesModule } from '../sources/sources.module';
import { RecordsController } from './records.controller';
import { RecordsService } from './records.service';

/** POST /v1/records -> cdp.records.raw. */
@Module({
  imports: [SourcesModule, RateLimitModule, PublishingModule],
  controllers: [RecordsController],
  providers: [RecordsService],
})
export class RecordsModule {}
