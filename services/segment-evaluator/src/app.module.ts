import { Module } from '@nestjs/common';
import { DatabaseModule, MessagingModule } from '@tessera/service-kit';
import { SEGMENT_EVALUATOR_MIGRATIONS } from './database/migrations';

/** segment-evaluator: segment definitions and memberships. Wiring only; features live in their own modules. */
@Module({
  imports: [DatabaseModule.forService({ migrations: SEGMENT_EVALUATOR_MIGRATIONS }), MessagingModule.forService()],
})
export class AppModule {}
