import { BadRequestException, Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, pageLimit } from '@tessera/service-kit';
import { DeliveryQueryService } from './delivery-query.service';

function cursor(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new BadRequestException('before must be the next value of a previous page');
  return value;
}

/** The delivery log: every delivery's status (pending, delivered, failed, suppressed with its reason, dead) and attempts. */
@ApiTags('deliveries')
@AdminOnly()
@Controller('v1')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveryQueryService) {}

  @Get('deliveries')
  @ApiOperation({
    summary: 'Deliveries newest first with their attempts (?destinationId=&syncId=&profileId=&status=&limit=100&before=<seq>)',
  })
  async list(
    @Query('destinationId') destinationId?: string,
    @Query('syncId') syncId?: string,
    @Query('profileId') profileId?: string,
    @Query('status') status?: string,
    @Query('limit') limit?: string,
    @Query('before') before?: string,
  ) {
    return this.deliveries.list({ destinationId, syncId, profileId, status }, pageLimit(limit, 100), cursor(before));
  }

  @Get('profiles/:id/deliveries')
  @ApiOperation({
    summary: 'What was sent about a person, where, with which status and attempts, newest first (?status=&limit=100&before=<seq>)',
  })
  async forProfile(
    @Param('id') id: string,
    @Query('status') status?: string,
    @Query('limit') limit?: string,
    @Query('before') before?: string,
  ) {
    return { profileId: id, ...(await this.deliveries.list({ profileId: id, status }, pageLimit(limit, 100), cursor(before))) };
  }
}
