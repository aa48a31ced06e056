import { Module } from '@nestjs/common';
import { SegmentBackfillWorker } from '../backfill/segment-backfill.worker';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { DueTimerScheduler } from './due-timer.scheduler';
import { SegmentWorkLoop } from './segment-work.loop';

/** Time-driven changes (due timers) and backfills of new or edited segments. */
@Module({ imports: [EvaluationModule], providers: [DueTimerScheduler, SegmentBackfillWorker, SegmentWorkLoop], exports: [SegmentWorkLoop] })
export class SchedulerModule {}
