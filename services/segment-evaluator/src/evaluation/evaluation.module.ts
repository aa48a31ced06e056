import { Module } from '@nestjs/common';
import { EvaluatorInputConsumer } from './evaluator-input.consumer';
import { ProfileChangesApplier } from './profile-changes.applier';
import { ResolvedEventsApplier } from './resolved-events.applier';

/** Consumes profile changes and resolved events; decides memberships in real time. */
@Module({ providers: [ProfileChangesApplier, ResolvedEventsApplier, EvaluatorInputConsumer] })
export class EvaluationModule {}
