import { Global, Module } from '@nestjs/common';
import { SegmentClock } from './segment-clock';
import { loadSegmentSettings, SEGMENT_SETTINGS } from './segment-settings';

@Global()
@Module({
  providers: [SegmentClock, { provide: SEGMENT_SETTINGS, useFactory: () => loadSegmentSettings() }],
  exports: [SegmentClock, SEGMENT_SETTINGS],
})
export class SegmentConfigModule {}
