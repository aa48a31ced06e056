import { Module } from '@nestjs/common';
import { MembershipQueryService } from '../memberships/membership-query.service';
import { ProfileSegmentsController } from '../memberships/profile-segments.controller';
import { SegmentPreviewService } from './segment-preview.service';
import { SegmentRepository } from './segment-repository';
import { SegmentsController } from './segments.controller';

@Module({
  controllers: [SegmentsController, ProfileSegmentsController],
  providers: [SegmentRepository, MembershipQueryService, SegmentPreviewService],
})
export class SegmentsModule {}
