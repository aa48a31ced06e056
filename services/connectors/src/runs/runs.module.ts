import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { SyncModule } from '../sync/sync.module';
import { RunRepository } from './run-repository';
import { RunsController } from './runs.controller';

/** The runs API. */
@Module({ imports: [ConnectionsModule, SyncModule], controllers: [RunsController], providers: [RunRepository] })
export class RunsModule {}
