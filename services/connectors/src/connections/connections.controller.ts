import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CheckResult, StreamDescriptor } from '@tessera/connector-sdk';
import { AdminOnly, pageLimit } from '@tessera/service-kit';
import { randomUUID } from 'node:crypto';
import { ConnectionRepository } from './connection-repository';
import { ConnectionsService, type ConnectionView } from './connections.service';

/** Connections: a connector with its config (secrets write-only), chosen streams and their mappings, a schedule. */
@ApiTags('connections')
@AdminOnly()
@Controller('v1/connections')
export class ConnectionsController {
  constructor(
    private readonly service: ConnectionsService,
    private readonly connections: ConnectionRepository,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Create a connection {id?, name?, connector, config, sourceId?, streams: [{name, mapping, identifierField, brandField?, observedAtField?}], schedule?, timezone?, unsetMissingOnFullRefresh?, enabled?}',
  })
  async create(@Body() body: unknown): Promise<ConnectionView> {
    return this.service.create(body, randomUUID());
  }

  @Get()
  @ApiOperation({ summary: 'List connections by id (?limit=100&after=<id>); secrets shown as ***' })
  async list(@Query('limit') limit?: string, @Query('after') after?: string): Promise<ConnectionView[]> {
    return (await this.connections.list(pageLimit(limit, 100), after ?? null)).map((c) => this.service.view(c));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A connection; secrets shown as ***' })
  async get(@Param('id') id: string): Promise<ConnectionView> {
    return this.service.view(await this.connections.getOrThrow(id));
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a connection; a secret sent back as *** keeps its stored value' })
  async update(@Param('id') id: string, @Body() body: unknown): Promise<ConnectionView> {
    return this.service.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a connection with its cursors (409 while a run is active); its run history stays' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.connections.remove(id);
  }

  @Post(':id/check')
  @HttpCode(200)
  @ApiOperation({ summary: "Ask the connector whether the source can be reached with the connection's config: {ok, message?}" })
  async check(@Param('id') id: string): Promise<CheckResult> {
    return this.service.check(id);
  }

  @Get(':id/discover')
  @ApiOperation({ summary: "The source's streams with their fields (JSON Schema), primary key and cursor candidates" })
  async discover(@Param('id') id: string): Promise<StreamDescriptor[]> {
    return this.service.discover(id);
  }
}
