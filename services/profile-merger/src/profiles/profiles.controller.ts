import { BadRequestException, Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { lookupIdentifierValue, lookupMissHint } from '@tessera/contracts';
import { pageLimit } from '@tessera/service-kit';
import { ProfileQueryService, type TimelineEntry } from './profile-query.service';
import { parseIdentifierText } from '../survivorship/identifier-text';
import { profileView, type ProfileView } from './profile-view';
import type { GroupMembershipView } from '../storage/group-membership-reader';
import { MAX_TIMELINE_LIMIT } from './timeline-entry.mapper';
import { decodeTimelineCursor } from './timeline-cursor';

/** The profile document with its group (account) memberships. */
type ProfileDocumentView = ProfileView & { groups: GroupMembershipView[] };

const DEFAULT_TIMELINE_LIMIT = 20;
/** Campaign touches listed in the profile document (the newest; the history table keeps them all). */
const CAMPAIGN_TOUCHES_SHOWN = 20;

/** Customer 360 lookups. Absorbed profile ids answer with their survivor (and say so in `redirectedFrom`). */
@ApiTags('profiles')
@Controller('v1/profiles')
export class ProfilesController {
  constructor(private readonly profiles: ProfileQueryService) {}

  @Get()
  @ApiOperation({ summary: 'Find the profile holding an identifier, e.g. ?identifier=email:jane@example.com' })
  @ApiQuery({
    name: 'identifier',
    required: true,
    description:
      '<type>:<value>; the type is any identifier type the resolver emits (user_id, email, anonymous_id, phone, crm_id, external:<type>...)',
  })
  async byIdentifier(@Query('identifier') identifier: string | undefined): Promise<ProfileDocumentView> {
    const parts = identifier === undefined ? undefined : parseIdentifierText(identifier);
    if (!parts) throw new BadRequestException('identifier must be <type>:<value>, e.g. email:jane@example.com');
    const { type } = parts;
    const value = lookupIdentifierValue(type, parts.value);
    const profileId = await this.profiles.profileByIdentifier(type, value);
    if (!profileId) throw new NotFoundException(`no profile has the identifier ${type}:${value}${lookupMissHint(type, value)}`);
    return this.view(profileId, profileId);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'The Customer 360 profile: traits with provenance, identifiers, event summary, transactions, campaigns, consent, best email',
  })
  async byId(@Param('id') id: string): Promise<ProfileDocumentView> {
    const profileId = await this.profiles.currentProfileId(id);
    if (!profileId) throw new NotFoundException(`profile ${id} is unknown`);
    return this.view(profileId, id);
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'The timeline, newest first, read from the item log; `next` is the `before` of the next page' })
  @ApiQuery({ name: 'limit', required: false, description: `1..${MAX_TIMELINE_LIMIT}, default ${DEFAULT_TIMELINE_LIMIT}` })
  @ApiQuery({ name: 'before', required: false, description: 'the `next` of the previous page' })
  async events(
    @Param('id') id: string,
    @Query('limit') limitText: string | undefined,
    @Query('before') beforeText: string | undefined,
  ): Promise<{ profileId: string; events: TimelineEntry[]; next: string | null }> {
    const limit = pageLimit(limitText, DEFAULT_TIMELINE_LIMIT, MAX_TIMELINE_LIMIT);
    const before = beforeText === undefined ? undefined : decodeTimelineCursor(beforeText);
    if (before === undefined && beforeText !== undefined) throw new BadRequestException('before must be the next value of a previous page');
    const profileId = await this.profiles.currentProfileId(id);
    if (!profileId) throw new NotFoundException(`profile ${id} is unknown`);
    return { profileId, ...(await this.profiles.timeline(profileId, limit, before)) };
  }

  private async view(profileId: string, requestedId: string): Promise<ProfileDocumentView> {
    const document = await this.profiles.document(profileId, CAMPAIGN_TOUCHES_SHOWN);
    if (!document) throw new NotFoundException(`profile ${requestedId} is unknown`);
    return { ...profileView(document.snapshot, requestedId, document.touches, document.money), groups: document.groups };
  }
}
