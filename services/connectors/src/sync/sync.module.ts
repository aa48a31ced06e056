import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { RunWorker } from './run-worker';

/** The run worker: claims runs and commits their records with their cursors. */
@Module({ imports: [ConnectionsModule], providers: [RunWorker], exports: [RunWorker] })
export class SyncModule {}
