import { Module } from '@nestjs/common';
import { EvaluatorInputConsumer } from './evaluator-input.consumer';
import { ProfileChangesApplier } from './profile-changes.applier';
import { ResolvedEventsApplier } from './resolved-events.applier';
import { SegmentCatalogCache } from './segment-catalog.cache';

/** Consumes profile changes and resolved events; decides memberships in real time. */
@Module({
  providers: [ProfileChangesApplier, ResolvedEventsApplier, EvaluatorInputConsumer, SegmentCatalogCache],
  exports: [SegmentCatalogCache],
})
export class EvaluationModule {}
