import { Module } from '@nestjs/common';
import { TrackingPlanRepository } from './tracking-plan.repository';
import { TrackingPlansController } from './tracking-plans.controller';

@Module({
  controllers: [TrackingPlansController],
  providers: [TrackingPlanRepository],
  exports: [TrackingPlanRepository],
})
export class TrackingPlansModule {}
