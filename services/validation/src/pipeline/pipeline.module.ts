import { Module } from '@nestjs/common';
import { DedupePrunerService } from '../dedupe/dedupe-pruner.service';
import { DedupeStore } from '../dedupe/dedupe-store';
import { SourceSettingsModule } from '../source-settings/source-settings.module';
import { TrackingPlansModule } from '../tracking-plans/tracking-plans.module';
import { RawInputConsumer } from './raw-input.consumer';

@Module({
  imports: [TrackingPlansModule, SourceSettingsModule],
  providers: [DedupeStore, DedupePrunerService, RawInputConsumer],
  exports: [DedupePrunerService],
})
export class PipelineModule {}
