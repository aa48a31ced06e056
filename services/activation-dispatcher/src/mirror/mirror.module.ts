import { Module } from '@nestjs/common';
import { DestinationsModule } from '../destinations/destinations.module';
import { MirrorScheduler } from './mirror.scheduler';
import { MirrorService } from './mirror.service';

/** Mirror diffs, on demand and on each sync's schedule. */
@Module({ imports: [DestinationsModule], providers: [MirrorService, MirrorScheduler], exports: [MirrorService, MirrorScheduler] })
export class MirrorModule {}
