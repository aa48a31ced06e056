import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Pool } from '@tessera/persistence';
import { pageLimit, SERVICE_PG_POOL } from '@tessera/service-kit';
import { accountOf, type AccountView } from '../storage/group-membership-reader';

const DEFAULT_MEMBER_LIMIT = 100;
const MAX_MEMBER_LIMIT = 1000;

/** Accounts (Segment groups): what group calls said about a company, and which profiles belong to it. */
@ApiTags('accounts')
@Controller('v1/accounts')
export class AccountsController {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  @Get(':groupId')
  @ApiOperation({ summary: "An account by its groupId: the group's latest traits and its member profiles, most recently seen first" })
  @ApiQuery({ name: 'limit', required: false, description: `members listed, 1..${MAX_MEMBER_LIMIT}, default ${DEFAULT_MEMBER_LIMIT}` })
  async byGroupId(@Param('groupId') groupId: string, @Query('limit') limitText: string | undefined): Promise<AccountView> {
    const limit = pageLimit(limitText, DEFAULT_MEMBER_LIMIT, MAX_MEMBER_LIMIT);
    const account = await accountOf(this.pool, groupId.trim(), limit);
    if (!account) throw new NotFoundException(`no profile is a member of the group ${groupId}`);
    return account;
  }
}
