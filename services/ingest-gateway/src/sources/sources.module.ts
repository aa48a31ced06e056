import { Module } from '@nestjs/common';
import { DevSourceSeeder } from './dev-source-seeder';
import { SourceRepository } from './source-repository';
import { SourcesAdminController } from './sources-admin.controller';
import { WriteKeyAuthenticator } from './write-key-authenticator';

/** Sources, hashed write keys, the admin API over them, and write-key authentication for the ingest routes. */
@Module({
  controllers: [SourcesAdminController],
  providers: [SourceRepository, WriteKeyAuthenticator, DevSourceSeeder],
  exports: [WriteKeyAuthenticator],
})
export class SourcesModule {}
