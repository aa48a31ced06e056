import { Module } from '@nestjs/common';
import { SyncModule } from '../sync/sync.module';
import { ScheduleTrigger } from './schedule-trigger';

/** The scheduler: queues due runs. */
@Module({ imports: [SyncModule], providers: [ScheduleTrigger], exports: [ScheduleTrigger] })
export class SchedulesModule {}
