import { Module } from '@nestjs/common';
import { DatabaseModule, MessagingModule } from '@tessera/service-kit';
import { IDENTITY_RESOLVER_MIGRATIONS } from './database/migrations';
import { PipelineModule } from './pipeline/pipeline.module';
import { ProfilesModule } from './profiles/profiles.module';
import { IdentityRulesModule } from './rules/identity-rules.module';

/** identity-resolver: identity graph and merge log. Wiring only; features live in their own modules. */
@Module({
  imports: [
    DatabaseModule.forService({ migrations: IDENTITY_RESOLVER_MIGRATIONS }),
    MessagingModule.forService(),
    IdentityRulesModule,
    PipelineModule,
    ProfilesModule,
  ],
})
export class AppModule {}
