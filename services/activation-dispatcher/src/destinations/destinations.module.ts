import { Module } from '@nestjs/common';
import { DestinationRepository } from './destination-repository';
import { DestinationTestSendService } from './destination-test-send.service';
import { DestinationsController } from './destinations.controller';

/** The destinations admin API. */
@Module({
  controllers: [DestinationsController],
  providers: [DestinationRepository, DestinationTestSendService],
  exports: [DestinationRepository],
})
export class DestinationsModule {}
