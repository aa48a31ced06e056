import { Module } from '@nestjs/common';
import { MirrorModule } from '../mirror/mirror.module';
import { SyncRepository } from './sync-repository';
import { SyncStatusService } from './sync-status.service';
import { SyncsController } from './syncs.controller';

/** The syncs admin API. */
@Module({ imports: [MirrorModule], controllers: [SyncsController], providers: [SyncRepository, SyncStatusService] })
export class SyncsModule {}
