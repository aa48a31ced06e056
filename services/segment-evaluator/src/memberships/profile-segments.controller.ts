import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '@tessera/service-kit';
import { MembershipQueryService, type ProfileSegmentsView } from './membership-query.service';

// admin token only, even on GET: memberships and computed values are customer data the read token must not see
@AdminOnly()
@ApiTags('profiles')
@Controller('v1/profiles')
export class ProfileSegmentsController {
  constructor(private readonly memberships: MembershipQueryService) {}

  @Get(':id/segments')
  @ApiOperation({ summary: "The profile's segment memberships with entered-at and reason (the Customer 360's activation status)" })
  async segments(@Param('id') id: string): Promise<ProfileSegmentsView> {
    const view = await this.memberships.profileSegments(id);
    if (!view) throw new NotFoundException(`the evaluator has seen no profile ${id}`);
    return view;
  }
}
