import { Module } from '@nestjs/common';
import { PrioritiesAdminController } from './priorities-admin.controller';
import { PriorityRepository } from './priority-repository';

@Module({ controllers: [PrioritiesAdminController], providers: [PriorityRepository], exports: [PriorityRepository] })
export class PrioritiesModule {}
