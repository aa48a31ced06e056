import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { SyncModule } from '../sync/sync.module';
import { DownstreamRejectionsConsumer } from './downstream-rejections.consumer';
import { RunRepository } from './run-repository';
import { RunsController } from './runs.controller';

/** The runs API, and the count of each run's records that a later service rejected. */
@Module({
  imports: [ConnectionsModule, SyncModule],
  controllers: [RunsController],
  providers: [RunRepository, DownstreamRejectionsConsumer],
})
export class RunsModule {}
