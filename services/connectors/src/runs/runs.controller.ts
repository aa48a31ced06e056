import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, pageLimit } from '@tessera/service-kit';
import { randomUUID } from 'node:crypto';
import { ConnectionRepository } from '../connections/connection-repository';
import { RunWorker } from '../sync/run-worker';
import { parseRunBody } from './run-body';
import { RunRepository, type Run } from './run-repository';

/** Sync runs: start one now, follow its progress, cancel it, list a full refresh's disappeared rows. */
@ApiTags('runs')
@AdminOnly()
@Controller('v1')
export class RunsController {
  constructor(
    private readonly runs: RunRepository,
    private readonly connections: ConnectionRepository,
    private readonly worker: RunWorker,
  ) {}

  @Post('connections/:id/runs')
  @ApiOperation({ summary: 'Start a run now {fullRefresh?}: 201 with the queued run, 409 when the connection has an active run' })
  async start(@Param('id') id: string, @Body() body: unknown): Promise<Run> {
    const { fullRefresh } = parseRunBody(body);
    const connection = await this.connections.getOrThrow(id);
    const run = await this.runs.start(
      randomUUID(),
      id,
      connection.streams.map((s) => s.name),
      fullRefresh,
    );
    void this.worker.poll();
    return run;
  }

  @Get('connections/:id/runs')
  @ApiOperation({ summary: "A connection's runs, newest first (?limit=50&before=<runId>)" })
  async list(@Param('id') id: string, @Query('limit') limit?: string, @Query('before') before?: string): Promise<Run[]> {
    await this.connections.getOrThrow(id);
    return this.runs.listByConnection(id, pageLimit(limit, 50), before ?? null);
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'A run: state, started/finished, records read/emitted/rejected, estimatedTotal, cursors before/after, error' })
  async get(@Param('id') id: string): Promise<Run> {
    return this.runs.getOrThrow(id);
  }

  @Post('runs/:id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a queued or running run: nothing after its last checkpoint is committed (409 when it has ended)' })
  async cancel(@Param('id') id: string): Promise<Run> {
    const run = await this.runs.cancel(id);
    this.worker.abort(id);
    return run;
  }

  @Get('runs/:id/disappeared')
  @ApiOperation({ summary: 'Rows a full refresh did not see any more (?limit=100&after=<stream>:<rowKey>)' })
  async disappeared(@Param('id') id: string, @Query('limit') limit?: string, @Query('after') after?: string) {
    let from: { stream: string; rowKey: string } | null = null;
    if (after !== undefined) {
      const at = after.indexOf(':');
      if (at < 0) throw new BadRequestException('after must be <stream>:<rowKey>');
      from = { stream: after.slice(0, at), rowKey: after.slice(at + 1) };
    }
    return this.runs.disappeared(id, pageLimit(limit, 100), from);
  }
}
