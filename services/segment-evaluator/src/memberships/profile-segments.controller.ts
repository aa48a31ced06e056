import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { MembershipQueryService, type ProfileSegmentsView } from './membership-query.service';

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
