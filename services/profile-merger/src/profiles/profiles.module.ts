import { Module } from '@nestjs/common';
import { ProfileQueryService } from './profile-query.service';
import { ProfilesController } from './profiles.controller';

@Module({ controllers: [ProfilesController], providers: [ProfileQueryService] })
export class ProfilesModule {}
