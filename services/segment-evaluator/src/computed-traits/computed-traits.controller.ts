import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, pageLimit, requireBodyKeyMatchesPath } from '@tessera/service-kit';
import { ComputedTraitDefinitionParser } from '../computed';
import { SEGMENT_SETTINGS, type SegmentSettings } from '../config/segment-settings';
import { parseComputedTraitBody } from './computed-trait-body';
import { ComputedTraitRepository, type ComputedTraitView } from './computed-trait-repository';

/** Computed-trait definitions (count / sum / min / max / avg / most frequent / first / last of an event in a window). */
// admin token only, even on GET: memberships and computed values are customer data the read token must not see
@AdminOnly()
@ApiTags('computed-traits')
@Controller('v1/computed-traits')
export class ComputedTraitsController {
  private readonly parser: ComputedTraitDefinitionParser;

  constructor(
    private readonly traits: ComputedTraitRepository,
    @Inject(SEGMENT_SETTINGS) settings: SegmentSettings,
  ) {
    // a window longer than the kept history would silently read less, so the parser refuses it
    this.parser = new ComputedTraitDefinitionParser(settings.eventHistoryDays);
  }

  @Post()
  @ApiOperation({
    summary: 'Create a computed trait {key, event, aggregate, property?, window, description?}; 409 if the key was ever used',
  })
  async create(@Body() body: unknown): Promise<ComputedTraitView> {
    return this.traits.create(parseComputedTraitBody(this.parser, body));
  }

  @Get()
  @ApiOperation({ summary: 'List computed traits by key (?limit=100&after=<key>)' })
  async list(@Query('limit') limit?: string, @Query('after') after?: string): Promise<{ computedTraits: ComputedTraitView[] }> {
    return { computedTraits: await this.traits.list(pageLimit(limit, 100), after ?? null) };
  }

  @Get(':key')
  @ApiOperation({ summary: 'A computed trait definition and its version' })
  async get(@Param('key') key: string): Promise<ComputedTraitView> {
    return this.traits.getOrThrow(key);
  }

  @Put(':key')
  @ApiOperation({ summary: 'Replace a computed trait definition (a new version); the body key must match the path' })
  async update(@Param('key') key: string, @Body() body: unknown): Promise<ComputedTraitView> {
    const definition = parseComputedTraitBody(this.parser, body);
    requireBodyKeyMatchesPath(definition.key, key, 'key');
    return this.traits.update(definition);
  }

  @Delete(':key')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a computed trait' })
  async remove(@Param('key') key: string): Promise<void> {
    await this.traits.remove(key);
  }
}
