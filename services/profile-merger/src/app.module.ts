import { Module } from '@nestjs/common';
import { DatabaseModule, MessagingModule } from '@tessera/service-kit';
import { PROFILE_MERGER_MIGRATIONS } from './database/migrations';

/** profile-merger: Customer 360 profiles. Wiring only; features live in their own modules. */
@Module({
  imports: [DatabaseModule.forService({ migrations: PROFILE_MERGER_MIGRATIONS }), MessagingModule.forService()],
})
export class AppModule {}
