import { Module } from '@nestjs/common';
import { DatabaseModule, MessagingModule } from '@tessera/service-kit';
import { ComputedTraitsModule } from './computed-traits/computed-traits.module';
import { SegmentConfigModule } from './config/segment-config.module';
import { SEGMENT_EVALUATOR_MIGRATIONS } from './database/migrations';
import { EvaluationModule } from './evaluation/evaluation.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { SegmentsModule } from './segments/segments.module';
import { SplitsModule } from './splits/splits.module';

/** segment-evaluator: segment definitions and memberships. Wiring only; features live in their own modules. */
@Module({
  imports: [
    DatabaseModule.forService({ migrations: SEGMENT_EVALUATOR_MIGRATIONS }),
    MessagingModule.forService(),
    SegmentConfigModule,
    EvaluationModule,
    SplitsModule,
    SegmentsModule,
    ComputedTraitsModule,
    SchedulerModule,
  ],
})
export class AppModule {}
