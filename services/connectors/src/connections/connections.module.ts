import { Module } from '@nestjs/common';
import { ConnectionRepository } from './connection-repository';
import { ConnectionsController } from './connections.controller';
import { ConnectionsService } from './connections.service';

/** The connections admin API. */
@Module({
  controllers: [ConnectionsController],
  providers: [ConnectionRepository, ConnectionsService],
  exports: [ConnectionRepository, ConnectionsService],
})
export class ConnectionsModule {}
