import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, OffsetClock, pageLimit, requireBodyKeyMatchesPath } from '@tessera/service-kit';
import { randomUUID } from 'node:crypto';
import { DeliveryWorker } from '../delivery/delivery.worker';
import { parseDestinationBody } from './destination-body';
import { DestinationRepository, type DestinationView } from './destination-repository';
import { DestinationTestSendService, type TestSendReport } from './destination-test-send.service';

/** Destinations: where syncs deliver. Secrets are write-only: accepted here, answered only as the names that are set. */
@ApiTags('destinations')
@AdminOnly()
@Controller('v1/destinations')
export class DestinationsController {
  constructor(
    private readonly destinations: DestinationRepository,
    private readonly testSends: DestinationTestSendService,
    private readonly worker: DeliveryWorker,
    private readonly clock: OffsetClock,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Create a destination {id?, name, kind, config, secrets?, requiredConsent?, maxAttempts?, maxAgeSeconds?, concurrency?, ratePerSecond?, batchSize?}; a bad config is 400 with JSON paths',
  })
  async create(@Body() body: unknown): Promise<DestinationView> {
    const destination = parseDestinationBody(body);
    return this.destinations.create(destination, destination.id ?? randomUUID());
  }

  @Get()
  @ApiOperation({ summary: 'List destinations by id (?limit=100&after=<id>)' })
  async list(@Query('limit') limit?: string, @Query('after') after?: string) {
    return this.destinations.list(pageLimit(limit, 100), after ?? null);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A destination: config, settings and the names of its secrets (never their values)' })
  async get(@Param('id') id: string): Promise<DestinationView> {
    return this.destinations.getOrThrow(id);
  }

  @Put(':id')
  @ApiOperation({
    summary:
      'Replace a destination (same kind); secrets left out keep their value, a secret set to null is removed; deliveries backing off are tried at once',
  })
  async update(@Param('id') id: string, @Body() body: unknown): Promise<DestinationView> {
    const destination = parseDestinationBody(body);
    requireBodyKeyMatchesPath(destination.id, id);
    const updated = await this.destinations.update(id, destination, this.clock.now());
    this.worker.wake(id); // its backing-off deliveries are due now; a changed required consent may have queued removes and adds
    return updated;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a destination; 409 while a sync sends to it' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.destinations.remove(id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Send one synthetic item through the adapter now and say what happened (delivered, auth_failed with the reason, retry, terminal, partial, error)',
  })
  async test(@Param('id') id: string): Promise<TestSendReport> {
    return this.testSends.testSend(id);
  }
}
