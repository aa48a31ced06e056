import { Module } from '@nestjs/common';
import { ActivationInputApplier } from './activation-input.applier';
import { ActivationInputConsumer } from './activation-input.consumer';

/** Consumes memberships, profile changes and computed values: the projections and the deliveries they cause. */
@Module({ providers: [ActivationInputApplier, ActivationInputConsumer] })
export class ProjectionModule {}
