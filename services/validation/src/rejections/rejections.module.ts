import { Module } from '@nestjs/common';
import { RejectionStore } from './rejection-store';
import { RejectionsConsumer } from './rejections.consumer';
import { RejectionsPrunerService } from './rejections-pruner.service';
import { RejectionsController } from './rejections.controller';

@Module({
  controllers: [RejectionsController],
  providers: [RejectionStore, RejectionsConsumer, RejectionsPrunerService],
})
export class RejectionsModule {}
