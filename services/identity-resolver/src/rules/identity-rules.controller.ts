import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Pool } from '@tessera/persistence';
import { JsonBodyValidator, SERVICE_PG_POOL, invalidBody } from '@tessera/service-kit';
import { FALLBACK_RULE_TYPE } from '../resolution/identity-rule';
import { IDENTIFIER_TYPE_PATTERN, IDENTITY_RULE_BODY_SCHEMA, type IdentityRuleBody } from './identity-rule-body';
import { IdentityRulesRepository, type StoredIdentityRule } from './identity-rules.repository';

/** Admin CRUD of the per-type identity rules. A change applies from the next consumed slice on; it never rewrites the past. */
@ApiTags('identity rules')
@Controller('v1/identity-rules')
export class IdentityRulesController {
  private readonly body = new JsonBodyValidator<IdentityRuleBody>(IDENTITY_RULE_BODY_SCHEMA);

  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    private readonly rules: IdentityRulesRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List the rules of every identifier type (`*` applies to types without their own rule)' })
  async list(): Promise<{ rules: StoredIdentityRule[] }> {
    return { rules: await this.rules.list(this.pool) };
  }

  @Get(':type')
  @ApiOperation({ summary: "Get one identifier type's rule" })
  async get(@Param('type') type: string): Promise<StoredIdentityRule> {
    const rule = await this.rules.get(this.pool, type);
    if (!rule) throw new NotFoundException(`identifier type ${type} has no rule of its own (the * rule applies)`);
    return rule;
  }

  @Put(':type')
  @ApiOperation({
    summary:
      "Create or replace an identifier type's rule: priority, limit per profile, blocked values and patterns, shared-value threshold",
  })
  async put(@Param('type') type: string, @Body() raw: unknown): Promise<StoredIdentityRule> {
    if (!IDENTIFIER_TYPE_PATTERN.test(type))
      throw new BadRequestException(`invalid identifier type "${type}": expected * , snake_case or external:<name>`);
    const body = this.body.parse(raw);
    for (const [i, pattern] of (body.blockedPatterns ?? []).entries()) {
      try {
        new RegExp(pattern, 'i');
      } catch (err) {
        throw invalidBody([{ path: `/blockedPatterns/${i}`, message: `is not a valid regular expression (${(err as Error).message})` }]);
      }
    }
    return this.rules.upsert(this.pool, {
      identifierType: type,
      priority: body.priority,
      maxPerProfile: body.maxPerProfile,
      blockedValues: body.blockedValues ?? [],
      blockedPatterns: body.blockedPatterns ?? [],
      maxDistinctUserIds: body.maxDistinctUserIds ?? null,
    });
  }

  @Delete(':type')
  @HttpCode(204)
  @ApiOperation({ summary: "Delete a type's own rule (the * rule then applies); the * rule itself cannot be deleted" })
  async remove(@Param('type') type: string): Promise<void> {
    if (type === FALLBACK_RULE_TYPE)
      throw new BadRequestException('the * rule is the fallback for every other type and cannot be deleted; PUT it instead');
    if (!(await this.rules.delete(this.pool, type))) throw new NotFoundException(`identifier type ${type} has no rule of its own`);
  }
}
