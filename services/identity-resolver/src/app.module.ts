import { Module } from '@nestjs/common';
import { DatabaseModule, MessagingModule } from '@tessera/service-kit';
import { IDENTITY_RESOLVER_MIGRATIONS } from './database/migrations';

/** identity-resolver: identity graph and merge log. Wiring only; features live in their own modules. */
@Module({
  imports: [DatabaseModule.forService({ migrations: IDENTITY_RESOLVER_MIGRATIONS }), MessagingModule.forService()],
})
export class AppModule {}
