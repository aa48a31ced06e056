import { BadRequestException, Body, Controller, Delete, Get, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, pageLimit } from '@tessera/service-kit';
import { DeliveryWorker } from '../delivery/delivery.worker';
import type { WriteSummary } from '../enqueue/delivery-writer';
import { parseSuppressionKey } from './suppression-body';
import { SuppressionRepository } from './suppression-repository';

/** Per-destination suppression lists: a suppressed profile is never sent an add or upsert, and is removed where it was sent one. */
@ApiTags('suppressions')
@AdminOnly()
@Controller('v1/suppressions')
export class SuppressionsController {
  constructor(
    private readonly suppressions: SuppressionRepository,
    private readonly worker: DeliveryWorker,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Suppress {destinationId, profileId | identifierType + identifierValue, reason?}: removes where the profile was sent an add, suppresses its pending sends (the answer counts them)',
  })
  async add(@Body() body: unknown) {
    const key = parseSuppressionKey(body);
    const { effect, ...added } = await this.suppressions.add(key, key.reason);
    this.worker.wake(key.destinationId);
    return { ...added, effect: counts(effect) };
  }

  @Get()
  @ApiOperation({ summary: 'List suppressions (?destinationId=&limit=100&after=<offset>)' })
  async list(@Query('destinationId') destinationId?: string, @Query('limit') limit?: string, @Query('after') after?: string) {
    const offset = after === undefined ? 0 : Number(after);
    if (!Number.isInteger(offset) || offset < 0) throw new BadRequestException('after must be the next value of a previous page');
    return this.suppressions.list(destinationId ?? null, pageLimit(limit, 100), offset);
  }

  @Delete()
  @ApiOperation({
    summary:
      'Lift a suppression (?destinationId=&profileId= or &identifierType=&identifierValue=): a current member gets the add it was refused',
  })
  async remove(@Query() query: Record<string, string>) {
    const key = parseSuppressionKey({ ...query });
    const effect = await this.suppressions.remove(key);
    this.worker.wake(key.destinationId);
    return { effect: counts(effect) };
  }
}

/** What the answer's `effect` says: the counts (which destinations were woken is the worker's business). */
function counts({ pending, suppressed, pendingSuppressed }: WriteSummary): Omit<WriteSummary, 'destinations'> {
  return { pending, suppressed, pendingSuppressed };
}
