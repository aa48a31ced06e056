import { Module } from '@nestjs/common';
import { DedupePrunerService } from '../dedupe/dedupe-pruner.service';
import { DedupeStore } from '../dedupe/dedupe-store';
import { RawInputConsumer } from './raw-input.consumer';

@Module({
  providers: [DedupeStore, DedupePrunerService, RawInputConsumer],
  exports: [DedupePrunerService],
})
export class PipelineModule {}
