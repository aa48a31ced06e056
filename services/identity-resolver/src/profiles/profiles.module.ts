import { Module } from '@nestjs/common';
import { IdentityGraphQueries } from './identity-graph.queries';
import { ProfileSplitService } from './profile-split.service';
import { ProfilesController } from './profiles.controller';

@Module({
  controllers: [ProfilesController],
  providers: [IdentityGraphQueries, ProfileSplitService],
})
export class ProfilesModule {}
