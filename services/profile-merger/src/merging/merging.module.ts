import { Module } from '@nestjs/common';
import { PrioritiesModule } from '../priorities/priorities.module';
import { BestEmailAssigner } from '../storage/best-email-assigner';
import { ProfileItemLog } from '../storage/profile-item-log';
import { IdentityChangesApplier } from './identity-changes.applier';
import { ProfileInputConsumer } from './profile-input.consumer';
import { ProfileSplitter } from './profile-splitter';
import { ResolvedItemsApplier } from './resolved-items.applier';

/** Consumes resolved items and identity changes; folds them into Customer 360 profiles. */
@Module({
  imports: [PrioritiesModule],
  providers: [BestEmailAssigner, ProfileItemLog, ProfileSplitter, ResolvedItemsApplier, IdentityChangesApplier, ProfileInputConsumer],
})
export class MergingModule {}
