import { Module } from '@nestjs/common';
import { DatabaseModule, MessagingModule } from '@tessera/service-kit';
import { VALIDATION_MIGRATIONS } from './database/migrations';

/** validation: tracking plans, dedupe window and rejections. Wiring only; features live in their own modules. */
@Module({
  imports: [DatabaseModule.forService({ migrations: VALIDATION_MIGRATIONS }), MessagingModule.forService()],
})
export class AppModule {}
