import { Module } from '@nestjs/common';
import { IdentityGraphQueries } from './identity-graph.queries';
import { ProfilesController } from './profiles.controller';

@Module({
  controllers: [ProfilesController],
  providers: [IdentityGraphQueries],
})
export class ProfilesModule {}
