import { Module } from '@nestjs/common';
import { IdentityGraphStore } from '../graph/identity-graph.store';
import { IdentityRulesModule } from '../rules/identity-rules.module';
import { ValidInputConsumer } from './valid-input.consumer';

@Module({
  imports: [IdentityRulesModule],
  providers: [IdentityGraphStore, ValidInputConsumer],
})
export class PipelineModule {}
