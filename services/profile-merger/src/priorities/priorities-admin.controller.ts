import { BadRequestException, Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { JsonBodyValidator } from '@tessera/service-kit';
import { canonicalPriorityFields } from './priority-field-names';
import { PriorityRepository, type SourcePrioritySetting } from './priority-repository';

interface PutSourcePriorityBody {
  priority: number | null;
  fields?: Record<string, number>;
}

const putBody = new JsonBodyValidator<PutSourcePriorityBody>({
  type: 'object',
  additionalProperties: false,
  required: ['priority'],
  properties: {
    priority: { type: ['integer', 'null'], minimum: 1 },
    fields: { type: 'object', additionalProperties: { type: 'integer', minimum: 1 }, propertyNames: { minLength: 1, maxLength: 200 } },
  },
});

/**
 * Survivorship configuration: each source's priority (1 highest; an unlisted source is 999) and field-level
 * priorities that override it for one field (e.g. the web source owns `plan`). Applies to observations made
 * from then on; stored values keep the priority they won with.
 */
@ApiTags('admin: priorities')
@Controller('v1/priorities')
export class PrioritiesAdminController {
  constructor(private readonly priorities: PriorityRepository) {}

  @Get()
  @ApiOperation({ summary: 'Every configured source priority and field priority' })
  async list(): Promise<{ unlistedSourcePriority: number; sources: SourcePrioritySetting[] }> {
    return { unlistedSourcePriority: 999, sources: await this.priorities.list() };
  }

  @Put('sources/:sourceId')
  @ApiOperation({
    summary: 'Set a source priority (null: unlisted) and replace its field priorities, e.g. {"priority":5,"fields":{"plan":1}}',
    description:
      'Field names are stored as the merger files traits: Segment aliases become their semantic tag (firstName -> given-name); consent, identifier tags and near-misses of a semantic tag (FirstName) get 400 naming the accepted fields.',
  })
  async put(@Param('sourceId') sourceId: string, @Body() body: unknown): Promise<SourcePrioritySetting> {
    const input = putBody.parse(body);
    const fields = canonicalPriorityFields(input.fields ?? {});
    if (!fields.ok) throw new BadRequestException(fields.message);
    return this.priorities.put({ sourceId, priority: input.priority, fields: fields.fields });
  }

  @Delete('sources/:sourceId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Forget a source: it becomes unlisted (999) with no field priorities' })
  async remove(@Param('sourceId') sourceId: string): Promise<void> {
    if (!(await this.priorities.remove(sourceId))) throw new NotFoundException(`source ${sourceId} has no priority configured`);
  }
}
