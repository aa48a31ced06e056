import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, JsonBodyValidator, OffsetClock, pageLimit } from '@tessera/service-kit';
import { DeliveryWorker } from '../delivery/delivery.worker';
import { DeadDeliveryRepository, type DeadDeliveryView } from './dead-delivery.repository';

const replayBody = new JsonBodyValidator<{ deliveryIds?: string[] }>({
  type: 'object',
  additionalProperties: false,
  properties: { deliveryIds: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, maxItems: 10_000 } },
});

/** A destination's dead-letter queue: deliveries that ran out of attempts or age, browsed and replayed. */
@ApiTags('deliveries')
@AdminOnly()
@Controller('v1/destinations/:id/dlq')
export class DlqController {
  constructor(
    private readonly dead: DeadDeliveryRepository,
    private readonly worker: DeliveryWorker,
    private readonly clock: OffsetClock,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      "The destination's dead deliveries in queue order, each with its reason (last error) and attempts (?limit=100&after=<seq>; the answer gives next)",
  })
  async list(
    @Param('id') id: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ): Promise<{ destinationId: string; items: DeadDeliveryView[]; next: string | null }> {
    if (after !== undefined && !/^\d{1,18}$/.test(after))
      throw new BadRequestException('after must be the seq of the last item of the previous page');
    return { destinationId: id, ...(await this.dead.page(id, pageLimit(limit, 100), after ?? null)) };
  }

  @Post('replay')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Send dead deliveries again: all of them, or {deliveryIds}; they become pending with a fresh attempt budget, their history kept. outOfOrder names those whose sync already delivered a later delivery about the same profile: they go out after it',
  })
  async replay(
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<{ destinationId: string; replayed: number; deliveryIds: string[]; outOfOrder: string[] }> {
    const parsed = replayBody.parse(body ?? {});
    const { replayed, outOfOrder } = await this.dead.replay(id, parsed.deliveryIds ?? null, this.clock.now());
    this.worker.wake(id);
    return { destinationId: id, replayed: replayed.length, deliveryIds: replayed, outOfOrder };
  }
}
