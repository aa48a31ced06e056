import { Module } from '@nestjs/common';
import { IdentityRulesController } from './identity-rules.controller';
import { IdentityRulesRepository } from './identity-rules.repository';

@Module({
  controllers: [IdentityRulesController],
  providers: [IdentityRulesRepository],
  exports: [IdentityRulesRepository],
})
export class IdentityRulesModule {}
