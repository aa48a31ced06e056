import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '@tessera/service-kit';
import { DeliveryStatusService, type DestinationDeliveryStatus } from './delivery-status.service';

@ApiTags('deliveries')
@AdminOnly()
@Controller('v1/destinations')
export class DeliveryStatusController {
  constructor(private readonly statuses: DeliveryStatusService) {}

  @Get(':id/status')
  @ApiOperation({
    summary:
      "A destination's delivery status: queue depth, in flight, breaker state, last error (auth failures named as such), counts by status",
  })
  status(@Param('id') id: string): Promise<DestinationDeliveryStatus> {
    return this.statuses.status(id);
  }
}
