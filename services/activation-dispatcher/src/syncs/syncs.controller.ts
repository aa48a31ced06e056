import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, pageLimit, requireBodyKeyMatchesPath } from '@tessera/service-kit';
import { randomUUID } from 'node:crypto';
import { MirrorService, type MirrorReport } from '../mirror/mirror.service';
import { parseSyncBody } from './sync-body';
import { SyncRepository, type SyncView } from './sync-repository';
import { SyncStatusService, type SyncStatus } from './sync-status.service';

/** Syncs: a segment linked to a destination with a mode (add_remove, upsert, mirror) and a field mapping. */
@ApiTags('syncs')
@AdminOnly()
@Controller('v1/syncs')
export class SyncsController {
  constructor(
    private readonly syncs: SyncRepository,
    private readonly mirrors: MirrorService,
    private readonly statuses: SyncStatusService,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      "Create a sync {id?, segmentId, destinationId, mode, mapping?, scheduleSeconds?, enabled?}; the segment's current members are enqueued at once (a first diff against nothing sent); status warns of a segment without members and of computed fields no member has",
  })
  async create(@Body() body: unknown): Promise<SyncView & { initial: MirrorReport | null; status: SyncStatus }> {
    const sync = parseSyncBody(body);
    const created = await this.syncs.create(sync, sync.id ?? randomUUID());
    const initial = created.enabled ? await this.mirrors.run(created.id, true) : null;
    return { ...created, initial, status: await this.statuses.status(created) };
  }

  @Get()
  @ApiOperation({ summary: 'List syncs by id (?segmentId=&destinationId=&limit=100&after=<id>)' })
  async list(
    @Query('segmentId') segmentId?: string,
    @Query('destinationId') destinationId?: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ) {
    return this.syncs.list({ segmentId, destinationId }, pageLimit(limit, 100), after ?? null);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A sync, with its status: members now, and warnings (a segment without members, computed fields no member has)',
  })
  async get(@Param('id') id: string): Promise<SyncView & { status: SyncStatus }> {
    const sync = await this.syncs.getOrThrow(id);
    return { ...sync, status: await this.statuses.status(sync) };
  }

  @Put(':id')
  @ApiOperation({
    summary:
      "Replace a sync's mode, mapping, schedule and enabled flag (its segment and destination stay); switched on again or out of mirror mode, it enqueues the members it missed (catchUp)",
  })
  async update(@Param('id') id: string, @Body() body: unknown): Promise<SyncView & { catchUp: MirrorReport | null; status: SyncStatus }> {
    const sync = parseSyncBody(body);
    requireBodyKeyMatchesPath(sync.id, id);
    const before = await this.syncs.getOrThrow(id);
    const after = await this.syncs.update(id, sync);
    // a sync switched on again, or out of mirror mode, catches up with the members that entered meanwhile
    const resumed = after.enabled && after.mode !== 'mirror' && (!before.enabled || before.mode === 'mirror');
    const catchUp = resumed ? await this.mirrors.run(id, true) : null;
    return { ...after, catchUp, status: await this.statuses.status(after) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a sync: nothing more is enqueued for it (what the destination holds stays there)' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.syncs.remove(id);
  }

  @Post(':id/mirror')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Diff the segment against the destination (listed by the adapter, else what Tessera last sent) and enqueue exactly the adds and removes that make them equal',
  })
  async mirror(@Param('id') id: string): Promise<MirrorReport> {
    await this.syncs.getOrThrow(id);
    return this.mirrors.run(id);
  }
}
