import { Module } from '@nestjs/common';
import { RejectionStore } from './rejection-store';
import { RejectionsConsumer } from './rejections.consumer';
import { RejectionsController } from './rejections.controller';

@Module({
  controllers: [RejectionsController],
  providers: [RejectionStore, RejectionsConsumer],
})
export class RejectionsModule {}
