import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { AdminOnly, JsonBodyValidator, pageLimit, requireBodyKeyMatchesPath } from '@tessera/service-kit';
import { SegmentClock } from '../config/segment-clock';
import { MembershipQueryService, type MemberView } from '../memberships/membership-query.service';
import { parseRule, parseSegmentBody } from './segment-body';
import { SegmentPreviewService } from './segment-preview.service';
import { SegmentRepository, type SegmentView } from './segment-repository';

const previewBody = new JsonBodyValidator<{ rule: unknown; includeTestProfiles?: boolean; sampleSize?: number }>({
  type: 'object',
  additionalProperties: false,
  required: ['rule'],
  properties: {
    rule: { type: 'object' },
    includeTestProfiles: { type: 'boolean' },
    sampleSize: { type: 'integer', minimum: 0, maximum: 100 },
  },
});

/** Segment definitions (versioned on every edit), their members, and previews of unsaved rules. */
// admin token only, even on GET: memberships and computed values are customer data the read token must not see
@AdminOnly()
@ApiTags('segments')
@Controller('v1/segments')
export class SegmentsController {
  constructor(
    private readonly segments: SegmentRepository,
    private readonly memberships: MembershipQueryService,
    private readonly previews: SegmentPreviewService,
    private readonly clock: SegmentClock,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a segment {id?, name, description?, rule, includeTestProfiles?}; a backfill over existing profiles starts',
  })
  async create(@Body() body: unknown): Promise<SegmentView> {
    const segment = parseSegmentBody(body);
    return this.segments.create(segment, segment.id ?? randomUUID());
  }

  @Get()
  @ApiOperation({ summary: 'List segments by id (?limit=100&after=<id>)' })
  async list(@Query('limit') limit?: string, @Query('after') after?: string): Promise<{ segments: SegmentView[] }> {
    return { segments: await this.segments.list(pageLimit(limit, 100), after ?? null) };
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'Count and sample the profiles an unsaved rule would hold now: {rule, includeTestProfiles?, sampleSize?}' })
  async preview(@Body() body: unknown) {
    const parsed = previewBody.parse(body);
    const rule = parseRule(parsed.rule);
    await this.segments.checkComputedKeys(rule);
    return this.previews.preview(rule, parsed.includeTestProfiles ?? false, parsed.sampleSize ?? 10);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A segment: its live definition and version, member count and latest backfill progress' })
  async get(@Param('id') id: string): Promise<SegmentView> {
    return this.segments.getOrThrow(id);
  }

  @Get(':id/versions')
  @ApiOperation({ summary: 'Every saved version of a segment' })
  async versions(@Param('id') id: string) {
    return { versions: await this.segments.versions(id) };
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a segment definition: a new version, and a backfill that re-decides every profile' })
  async update(@Param('id') id: string, @Body() body: unknown): Promise<SegmentView> {
    const segment = parseSegmentBody(body);
    requireBodyKeyMatchesPath(segment.id, id);
    return this.segments.update(id, segment);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a segment: every member exits; 409 while another segment references it' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.segments.remove(id, this.clock.now());
  }

  @Get(':id/members')
  @ApiOperation({ summary: 'Members by profile id, a page at a time (?limit=100&after=<profileId>; the answer gives next)' })
  async members(
    @Param('id') id: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ): Promise<{ segmentId: string; members: MemberView[]; next: string | null }> {
    await this.segments.getOrThrow(id);
    return { segmentId: id, ...(await this.memberships.members(id, pageLimit(limit, 100), after ?? null)) };
  }
}
