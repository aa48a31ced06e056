import { Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags, type SchemaObject } from '@nestjs/swagger';
import type { Pool } from '@tessera/persistence';
import { JsonBodyValidator, SERVICE_PG_POOL, invalidBody } from '@tessera/service-kit';
import { getCountries, type CountryCode } from 'libphonenumber-js';
import { SOURCE_SETTINGS_BODY_SCHEMA, type SourceSettings, type SourceSettingsBody } from './source-settings';
import { SourceSettingsRepository } from './source-settings.repository';
import { isIsoCurrency } from '../pipeline/steps/commerce-normalization.step';

const KNOWN_REGIONS = new Set<string>(getCountries());

/** Admin API for per-source normalization settings. */
@ApiTags('source settings')
@Controller('v1/sources')
export class SourceSettingsController {
  private readonly body = new JsonBodyValidator<SourceSettingsBody>(SOURCE_SETTINGS_BODY_SCHEMA);

  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    private readonly settings: SourceSettingsRepository,
  ) {}

  @Get('settings')
  @ApiOperation({ summary: 'List the settings of every configured source' })
  async list(): Promise<{ sources: SourceSettings[] }> {
    return { sources: await this.settings.list(this.pool) };
  }

  @Get(':sourceId/settings')
  @ApiOperation({ summary: "Get a source's normalization settings" })
  async get(@Param('sourceId') sourceId: string): Promise<SourceSettings> {
    const found = await this.settings.get(this.pool, sourceId);
    if (!found) throw new NotFoundException(`source ${sourceId} has no settings (defaults apply)`);
    return found;
  }

  @Put(':sourceId/settings')
  @ApiOperation({ summary: "Set a source's default phone region, test-traffic rules, order event names and default currency" })
  @ApiBody({ schema: SOURCE_SETTINGS_BODY_SCHEMA as unknown as SchemaObject })
  async put(@Param('sourceId') sourceId: string, @Body() raw: unknown): Promise<SourceSettings> {
    const body = this.body.parse(raw);
    if (body.defaultRegion && !KNOWN_REGIONS.has(body.defaultRegion.toUpperCase() as CountryCode)) {
      throw invalidBody([{ path: '/defaultRegion', message: `is not a region libphonenumber knows: ${body.defaultRegion}` }]);
    }
    if (body.defaultCurrency && !isIsoCurrency(body.defaultCurrency.toUpperCase())) {
      throw invalidBody([{ path: '/defaultCurrency', message: `is not an ISO 4217 code: ${body.defaultCurrency}` }]);
    }
    for (const [i, rule] of (body.testRules ?? []).entries()) {
      if (rule.pattern === undefined) continue;
      try {
        new RegExp(rule.pattern);
      } catch {
        throw invalidBody([
          { path: `/testRules/${i}/pattern`, message: `is not a valid regular expression: ${JSON.stringify(rule.pattern)}` },
        ]);
      }
    }
    return this.settings.upsert(this.pool, sourceId, body);
  }

  @Delete(':sourceId/settings')
  @HttpCode(204)
  @ApiOperation({ summary: "Delete a source's settings (service defaults apply)" })
  async remove(@Param('sourceId') sourceId: string): Promise<void> {
    if (!(await this.settings.delete(this.pool, sourceId))) throw new NotFoundException(`source ${sourceId} has no settings`);
  }
}
