import { BadRequestException, Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { lookupIdentifierValue, lookupMissHint } from '@tessera/contracts';
import type { SqlExecutor } from '@tessera/kafka';
import { withPgTransaction, type Pool } from '@tessera/persistence';
import { JsonBodyValidator, SERVICE_PG_POOL, pageLimit, invalidBody } from '@tessera/service-kit';
import { formatIdentifier, parseIdentifier, type Identifier } from '../resolution/identifier';
import { IdentityGraphQueries, type IdentifierDecision, type MergeLogEntry } from './identity-graph.queries';
import { ProfileSplitService, type SplitResult } from './profile-split.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_LIMIT = 1000;

interface SplitBody {
  identifiers: string[];
  reason?: string;
}

const SPLIT_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['identifiers'],
  properties: {
    identifiers: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', minLength: 3, maxLength: 1024 } },
    reason: { type: 'string', maxLength: 2000 },
  },
} as const;

/** Read API of the identity graph: lookup by identifier, a profile's identifiers, and why it is one person. */
@ApiTags('identity graph')
@Controller('v1')
export class ProfilesController {
  private readonly splitBody = new JsonBodyValidator<SplitBody>(SPLIT_BODY_SCHEMA);

  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    private readonly queries: IdentityGraphQueries,
    private readonly splitter: ProfileSplitService,
  ) {}

  @Get('identities')
  @ApiOperation({ summary: 'Which profile an identifier belongs to (identifier=type:value, e.g. email:jane@example.com)' })
  @ApiQuery({ name: 'identifier', required: true, example: 'email:jane@example.com' })
  async lookup(@Query('identifier') raw: string | undefined) {
    const typed = raw ? parseIdentifier(raw) : undefined;
    if (!typed) throw new BadRequestException('query parameter identifier=type:value is required, e.g. identifier=email:jane@example.com');
    const identifier = { ...typed, value: lookupIdentifierValue(typed.type, typed.value) };
    const found = await this.queries.lookup(this.pool, identifier);
    const suspect = await this.queries.suspect(this.pool, identifier);
    if (!found)
      throw new NotFoundException(
        `no profile holds ${formatIdentifier(identifier)}${suspect ? ' (it is a suspect value that no longer links)' : ''}${lookupMissHint(identifier.type, identifier.value)}`,
      );
    return { identifier, ...found, suspect: suspect ?? null };
  }

  @Get('suspect-values')
  @ApiOperation({
    summary:
      'Values that stopped linking because they were seen with too many distinct user_ids (shared devices, family emails), newest first',
  })
  @ApiQuery({ name: 'limit', required: false })
  async suspects(@Query('limit') limit?: string) {
    return { suspectValues: await this.queries.suspects(this.pool, pageLimit(limit, 100, MAX_LIMIT)) };
  }

  @Get('profiles/:id/identifiers')
  @ApiOperation({ summary: "A profile's identifiers; an absorbed profile answers with its survivor's" })
  @ApiQuery({ name: 'limit', required: false })
  async identifiers(@Param('id') id: string, @Query('limit') limit?: string) {
    const { requested, live } = await this.resolveProfile(id);
    return {
      profileId: live,
      requestedProfileId: requested.profileId,
      identifiers: await this.queries.identifiers(this.pool, live, pageLimit(limit, 100, MAX_LIMIT)),
    };
  }

  @Get('profiles/:id/merges')
  @ApiOperation({
    summary:
      'Why this is one person: every merge that built the profile (rule, causing message, identifiers), the aliases that renamed its user_id, and the identifiers dropped on the way',
  })
  @ApiQuery({ name: 'limit', required: false })
  async merges(
    @Param('id') id: string,
    @Query('limit') limit?: string,
  ): Promise<{
    profileId: string;
    requestedProfileId: string;
    mergedInto: string | null;
    merges: MergeLogEntry[];
    splits: MergeLogEntry[];
    aliases: MergeLogEntry[];
    decisions: IdentifierDecision[];
  }> {
    const max = pageLimit(limit, 100, MAX_LIMIT);
    // One REPEATABLE READ snapshot: on separate pooled reads, a merge committing in between showed half of itself.
    return withPgTransaction(this.pool, async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const { requested, live } = await this.resolveProfile(id, client);
      return {
        profileId: live,
        requestedProfileId: requested.profileId,
        mergedInto: requested.mergedInto,
        merges: await this.queries.mergeHistory(client, live, max),
        splits: await this.queries.splits(client, live, max),
        aliases: await this.queries.aliases(client, live, max),
        decisions: await this.queries.decisions(client, live, max),
      };
    });
  }

  @Post('profiles/:id/split')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Undo a wrong merge: move identifiers (type:value) and the items they alone brought to a new profile; the two never merge again',
  })
  async split(@Param('id') id: string, @Body() raw: unknown): Promise<SplitResult> {
    if (!UUID.test(id)) throw new BadRequestException(`profile id must be a UUID, got "${id}"`);
    const body = this.splitBody.parse(raw);
    const identifiers: Identifier[] = body.identifiers.map((text, i) => {
      const identifier = parseIdentifier(text);
      if (!identifier) throw invalidBody([{ path: `/identifiers/${i}`, message: `is not type:value: ${JSON.stringify(text)}` }]);
      return identifier;
    });
    return this.splitter.split(id.toLowerCase(), identifiers, body.reason ?? null);
  }

  private async resolveProfile(id: string, db: SqlExecutor = this.pool) {
    if (!UUID.test(id)) throw new BadRequestException(`profile id must be a UUID, got "${id}"`);
    const requested = await this.queries.profile(db, id.toLowerCase());
    if (!requested) throw new NotFoundException(`profile ${id} is unknown`);
    return { requested, live: requested.mergedInto ?? requested.profileId };
  }
}
