import { Module } from '@nestjs/common';
import { ComputedTraitRepository } from './computed-trait-repository';
import { ComputedTraitsController } from './computed-traits.controller';

@Module({
  controllers: [ComputedTraitsController],
  providers: [ComputedTraitRepository],
  exports: [ComputedTraitRepository],
})
export class ComputedTraitsModule {}
